-- The daily digests made by `python -m pipelines digest` (pipelines/digest.py, issue 26
-- point 13), so the next one lists only what is new. A series is one role × recipient ×
-- user (recipient: the e-mail address, or "(printed)" for standard output; username: the
-- producer user whose holders it covers, NULL for staff roles).
-- digest_log: one row per digest mailed or printed. digest_log_items: every item the
-- recipient's digest covered then (view digest_items: item_key, state), listed = told in
-- this digest (new since the previous digest of the series). The next digest compares the
-- current items with the previous digest's rows. `create table if not exists` and no
-- constraints beyond not null: stores made before get the tables at the next `init` (or
-- the next digest), and the tables stay plain for any storage underneath.
create table if not exists digest_log (
    digest_id   varchar not null,      -- a UUID made by the command
    role        varchar not null,      -- management / finance / producer
    recipient   varchar not null,      -- e-mail address, or '(printed)'
    username    varchar,               -- the producer user; NULL for staff roles
    holder_ids  varchar,               -- the producer's holder ids, comma-separated
    as_of       date not null,
    sent_at     timestamp not null,
    delivery    varchar not null,      -- 'smtp HOST:PORT' or 'stdout'
    n_items     integer not null,      -- items the recipient's digest covered
    n_listed    integer not null       -- of which new, listed in this digest
);

create table if not exists digest_log_items (
    digest_id   varchar not null,
    item_key    varchar not null,      -- digest_items.item_key
    state       varchar not null,      -- due / overdue / found
    listed      boolean not null
);
