-- A lab's corrected report (issue 22 point 12). Labs withdraw and reissue results: a lab
-- row naming the report it corrects (replaces_report_id, vervangt_rapport) replaces the
-- analyses of that report for the same sample and component. The replaced analyses leave
-- `analyses` (which therefore holds only the results in force, for every view that reads
-- it) and are kept here with when and by which file and line they were replaced.
alter table analyses add column if not exists replaces_report_id varchar;

create table if not exists analyses_replaced (
    certificate_number varchar not null,
    site_id            varchar not null,
    lot_id             varchar not null,
    product            varchar not null,
    sample_id          varchar not null,
    sampled_on         date not null,
    component          varchar not null,
    value              double not null,      -- mg/kg d.s.; below LOQ: the LOQ
    below_loq          boolean not null,
    loq                double,
    value_as_reported  varchar,
    unit_as_reported   varchar,
    lab                varchar,
    lab_report_id      varchar not null,
    purpose            varchar not null,
    replaces_report_id varchar,              -- the replaced row may itself have corrected one
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    replaced_at          timestamp not null, -- the ingestion time of the correcting file
    replaced_by_file     varchar not null,
    replaced_by_sha256   varchar not null,
    replaced_by_line     integer not null,
    replaced_by_report_id varchar not null
);
