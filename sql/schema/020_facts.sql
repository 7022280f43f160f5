-- Master data and facts. Every row ingested from a file keeps its provenance:
-- source_file, source_sha256, source_line, ingested_at.

create table if not exists ingestion_log (
    file_id          bigint primary key,
    file_name        varchar not null,
    source_sha256    varchar not null,
    kind             varchar not null,
    ingested_at      timestamp not null,
    rows_read        integer not null,
    rows_loaded      integer not null,
    rows_unchanged   integer not null,
    rows_quarantined integer not null
);
create sequence if not exists ingestion_log_seq;

create table if not exists quarantine (
    source_file      varchar not null,
    source_sha256    varchar not null,
    kind             varchar not null,
    source_line      integer not null,
    column_name      varchar,
    bad_value        varchar,
    reason           varchar not null,
    raw_row          varchar,               -- the row as read, JSON
    ingested_at      timestamp not null,
    certificate_number varchar              -- as the row names it: a producer sees its own
);
-- stores created before the column existed
alter table quarantine add column if not exists certificate_number varchar;
-- issue 27 point 4: the reason as a message key (pipelines/i18n/keys.py REASONS) and its
-- values as JSON text, so a reader sees it in its own language; NULL for rows stored before
-- and for reasons without a key (reading, store checks): the English reason is shown then.
alter table quarantine add column if not exists reason_key varchar;
alter table quarantine add column if not exists reason_args varchar;

create table if not exists certificate_holders (
    holder_id        varchar primary key,
    holder_name      varchar not null,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists certificates (
    certificate_number        varchar primary key,
    scheme                    varchar not null,
    holder_id                 varchar not null,
    issued_on                 date,          -- NULL while in admission
    applied_on                date,
    ended_on                  date,
    country                   varchar not null default 'BE',
    adi_count                 integer,
    one_person_firm           boolean not null default false,
    uses_copro_template       boolean not null default true,
    parent_certificate_number varchar,
    certified_fitter          boolean not null default false,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists sites (
    site_id            varchar primary key,
    certificate_number varchar not null,
    name               varchar,
    site_kind          varchar not null default 'production',  -- production / depot
    n_window           integer not null default 5,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists persons (
    person_id          varchar primary key,
    certificate_number varchar not null,    -- the person certificate
    name               varchar,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists lots (
    site_id            varchar not null,
    lot_id             varchar not null,
    certificate_number varchar not null,
    product            varchar not null,
    produced_on        date,
    lot_size_tonnes    double,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    primary key (site_id, lot_id)
);

create table if not exists analyses (
    certificate_number varchar not null,
    site_id            varchar not null,
    lot_id             varchar not null,
    product            varchar not null,
    sample_id          varchar not null,
    sampled_on         date not null,
    component          varchar not null,
    value              double not null,      -- mg/kg d.s.; below LOQ: the LOQ
    below_loq          boolean not null,
    loq                double,               -- mg/kg d.s.
    value_as_reported  varchar,
    unit_as_reported   varchar,
    lab                varchar,
    lab_report_id      varchar not null,
    purpose            varchar not null,     -- admission / production / complaint
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists audits (
    audit_id                   varchar primary key,
    certificate_number         varchar not null,
    audit_type                 varchar not null,
    audit_date                 date not null,
    start_time                 time,
    end_time                   time,
    country                    varchar not null default 'BE',
    combined_with_field_audit  boolean,
    dwellings_in_sample        integer,
    dwellings_with_deviation_a integer,
    inspector                  varchar,
    outcome                    varchar,
    site_id                    varchar,       -- depot visits: the depot
    travel_hours               double,        -- abroad: hours from Brussels (TAR 9201)
    distance_km                double,
    overnight_stays            integer,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists deviations (
    deviation_id       varchar primary key,
    audit_id           varchar,
    certificate_number varchar not null,
    category           varchar not null,      -- A / B
    requirement        varchar,
    found_on           date not null,
    extended_until     date,
    closed_on          date,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists activity (
    certificate_number varchar not null,
    activity_date      date not null,
    activity           varchar not null,
    quantity           double not null default 1,
    person_id          varchar,
    reference          varchar,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists invoices (
    invoice_id         varchar primary key,
    certificate_number varchar not null,
    invoice_date       date not null,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists invoice_lines (
    invoice_id         varchar not null,
    line_no            integer not null,
    fee_code           varchar,
    description        varchar,
    quantity           decimal(12, 4),
    unit_price         decimal(12, 4),
    amount_excl_vat    decimal(12, 2) not null,
    vat_rate           decimal(5, 4) not null,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    primary key (invoice_id, line_no)
);

create table if not exists payments (
    invoice_id         varchar not null,
    paid_on            date,
    amount             decimal(12, 2),
    reminder_sent_on   date,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp
);

create table if not exists indices (
    index_name         varchar not null,     -- salary_q3, travel_fee, car_km, legal_interest
    period             varchar not null,     -- 2024 or 2024-H1
    value              decimal(14, 6) not null,
    source_file varchar, source_sha256 varchar, source_line integer, ingested_at timestamp,
    primary key (index_name, period)
);
