-- Records the procedural checks need (process_findings, docs/rules.md §7).

-- One row per mixed sample: how it was taken (BRL 9341 §5.5.3). Upsert by (site_id, sample_id).
create table if not exists sampling_records (
    certificate_number  varchar not null,
    site_id             varchar not null,
    lot_id              varchar not null,
    sample_id           varchar not null,
    grabs               integer not null,  -- grepen in this mixed sample
    first_grab_on       date not null,
    last_grab_on        date not null,
    received_at_lab_on  date,              -- aangeboden aan het laboratorium
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    primary key (site_id, sample_id)
);

-- One row per lab accreditation (ISO/IEC 17025), scope and period (BRL 9341 §1.4). scope is a
-- component of bijlage III/IV, or '*' for the whole package.
create table if not exists lab_accreditations (
    lab                   varchar not null,
    accreditation_number  varchar not null,
    scope                 varchar not null,
    valid_from            date not null,
    valid_until           date,              -- empty: open-ended
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    primary key (lab, accreditation_number, scope, valid_from)
);

-- One row per qualification a person obtained (CCV PKVW §2.1, §3.3.2, bijlage 3):
-- vog (verklaring omtrent het gedrag), diploma_adviser, diploma_fitter, refresher.
create table if not exists staff_qualifications (
    person_id      varchar not null,
    qualification  varchar not null,
    obtained_on    date not null,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    primary key (person_id, qualification, obtained_on)
);
