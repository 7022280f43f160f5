-- Bookkeeping of the materialized tables (pipelines/store/stored_tables.py, docs/concurrency.md).
-- refresh_pending: one row per stored table × key value written since the last refresh, in
-- the same transaction as the rows: (table, NULL, NULL) says the table changed; (table,
-- key_column, key_value) names a changed key (e.g. site_id) so refresh() recomputes only
-- that part of the tables declaring "-- refresh key: site_id". Emptied by refresh(). A
-- crash between an ingest's commit and its refresh leaves these rows, so the next ingest,
-- `refresh` or dashboard start knows the stored tables are behind and catches up.
create table if not exists refresh_pending (
    table_name varchar not null,
    key_column varchar,
    key_value  varchar
);
