-- as_of_date: one row, the date every status view answers for.
-- Order (contract): the connection's variable `as_of`, else settings.as_of, else current_date.
create or replace view as_of_date as
with final as (
    select coalesce(
        try_cast(getvariable('as_of') as date),
        (select max(as_of) from settings),
        current_date
    ) as as_of
)
select * from final;
