-- Scalar macros shared by several views (applied with the schema, before any view).
--
-- frequency_key: the message key (pipelines/i18n/keys.py DETAILS) of a BRL 9341 bijlage II
-- sampling frequency written as "1 in <lots> lots" and/or "at least <tests> per <years>
-- year(s)"; null when neither part is set. Read by sampling_plan (the required and the
-- series' own frequency) and untested_lots_summary (the required one), issue 27.
create or replace macro frequency_key(lots, tests, years) as
    case
        when lots = 1 and tests is not null and years = 1 then 'freq_every_lot_min_year'
        when lots = 1 and tests is not null then 'freq_every_lot_min_years'
        when lots = 1 then 'freq_every_lot'
        when lots is not null and tests is not null and years = 1 then 'freq_one_in_min_year'
        when lots is not null and tests is not null then 'freq_one_in_min_years'
        when lots is not null then 'freq_one_in'
        when tests is not null and years = 1 then 'freq_min_year'
        when tests is not null then 'freq_min_years'
    end;
