-- lifecycle_horizon: one row, the last day the stored (materialized) lifecycle tables
-- compute time-driven facts for.
-- Most lifecycle transitions are dated by the data (a deadline, a stop + 1 year); two are
-- driven by time passing without data: the 12-month periods of CCV PKVW §3.2.7 (a period
-- without dwellings is still judged) and the calendar years of audit_coverage. The stored
-- tables compute those up to the end of the year two years after the refresh date, so any
-- as-of date up to then is answered exactly (refresh runs after every ingest).
-- Reads the refresh date, never the as-of date (a stored table cannot follow it).
create or replace view lifecycle_horizon as
with final as (
    select make_date(year(current_date)::integer + 2, 12, 31) as horizon_on
)
select * from final;
