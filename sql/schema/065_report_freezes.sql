-- Freezing the yearly report (issue 26): one row per scheme × year the College has frozen.
-- A frozen report's downloads are computed over what was ingested up to frozen_at
-- (pipelines/report/source.py, as `python -m pipelines report --frozen-at`), and its text
-- sections (report_texts) can no longer be edited. Written only by
-- pipelines.report.texts.freeze_report, which keeps one row per scheme × year under the
-- store's writer lock (no primary key: the write checks first). frozen_at is the local
-- clock, as ingested_at and report_texts.updated_at.
create table if not exists report_freezes (
    scheme     varchar not null,
    year       integer not null,
    frozen_at  timestamp not null,
    frozen_by  varchar not null
);
-- issue 27: the language the report was frozen in (nl/en): its downloads stay in it, byte
-- for byte, whoever reads them. NULL: frozen before reports had a language, i.e. English.
alter table report_freezes add column if not exists lang varchar;
