-- Open text sections of the yearly report (BRL 9341 §8.7): what the certification body
-- writes to the College of Experts, one row per scheme × year × section
-- (section: observations / proposals). Written from the College page through
-- pipelines.report.texts.save_text; printed in the XLSX and PDF report.
create table if not exists report_texts (
    scheme      varchar not null,
    year        integer not null,
    section     varchar not null,
    body        varchar not null,
    updated_at  timestamp not null,
    updated_by  varchar,
    primary key (scheme, year, section)
);
