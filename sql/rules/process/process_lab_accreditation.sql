-- process_lab_accreditation: one row per lab report × lot × component analysed on or
-- before the as-of date, with whether an ISO/IEC 17025 accreditation covered it (BRL 9341
-- §1.4). The matching and its readings: the stored table process_lab_results.
create or replace view process_lab_accreditation as
with as_of as (
    select as_of from as_of_date
),
final as (
    select *
    from process_lab_results
    where analysed_on <= (select as_of from as_of)
)
select * from final;
