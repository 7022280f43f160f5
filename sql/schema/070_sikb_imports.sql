-- issue 25: lab deliveries as SIKB Protocol 0101 XML, and the import log.

-- The SIKB/IMmetingen domain-table codes the SIKB0101 reader needs (data/reference/
-- ref_sikb_*.csv, each row citing its domain table). A code not here is quarantined.
create table if not exists ref_sikb_parameters (
    parameter_id  integer primary key,     -- urn:immetingen:Parameter:id:N
    code          varchar,
    description   varchar not null,
    cas_number    varchar,
    status        varchar,                 -- Bevestigd / Gewijzigd / Vervallen
    component     varchar not null,        -- ref_components.component
    source        varchar not null
);

create table if not exists ref_sikb_units (
    unit_id       integer primary key,     -- urn:immetingen:Eenheid:id:N
    code          varchar not null,
    description   varchar not null,
    status        varchar,
    unit          varchar not null,        -- as the lab path reads it (mg/kg ds, µg/l ...)
    unit_kind     varchar not null,        -- mass (per kg) / eluate (per litre)
    source        varchar not null
);

create table if not exists ref_sikb_qualities (
    quality_id    integer primary key,     -- urn:immetingen:Hoedanigheid:id:N
    code          varchar,
    description   varchar not null,
    status        varchar,
    quality       varchar not null,        -- dry_matter / ls10_cumulative / eluate / ...
    source        varchar not null
);

-- Lineage of rows read from a structured file: the XML element each row came from
-- (source_line in analyses/quarantine is that element's line).
create table if not exists source_paths (
    source_sha256 varchar not null,
    source_line   integer not null,
    xml_path      varchar not null,
    primary key (source_sha256, source_line)
);

-- One row per ingest of one file: command line, dashboard upload or watched inbox.
create table if not exists imports (
    file              varchar not null,
    sha256            varchar,                -- NULL: the file could not be read at all
    kind              varchar,
    rows_loaded       integer not null,
    rows_quarantined  integer not null,
    by_user           varchar not null,
    started_at        timestamp not null,
    source            varchar not null,       -- cli / upload / inbox
    outcome           varchar not null,       -- loaded / partly / quarantined / unchanged / refused
    duration_s        double not null
);
-- issue 27: why a file was refused whole (outcome refused), the English as printed, and
-- the same as a message key (pipelines/i18n/keys.py REFUSALS) with its values as JSON text,
-- shown in the reader's language. NULL for other outcomes and for rows stored before (the
-- Imports page then says the reason was printed); a key NULL beside a reason: an error of
-- the OS, shown as stored.
alter table imports add column if not exists reason varchar;
alter table imports add column if not exists reason_key varchar;
alter table imports add column if not exists reason_args varchar;
