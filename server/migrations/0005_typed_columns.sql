-- What insights use of a summary, as typed columns beside its body (crate::store::columns),
-- written at ingest: ad-hoc SQL and a rebuild of the rollups need no JSON decoding. Rows
-- stored before this migration are listed in typed_backfill and filled when the server opens
-- the store (Store::backfill).
ALTER TABLE summaries ADD COLUMN day BIGINT;
ALTER TABLE summaries ADD COLUMN unit BIGINT;
ALTER TABLE summaries ADD COLUMN ranker TEXT;
ALTER TABLE summaries ADD COLUMN model TEXT;
ALTER TABLE summaries ADD COLUMN pv_admin BIGINT;
ALTER TABLE summaries ADD COLUMN pv_info BIGINT;
ALTER TABLE summaries ADD COLUMN pv_product BIGINT;
ALTER TABLE summaries ADD COLUMN secs_admin BIGINT;
ALTER TABLE summaries ADD COLUMN secs_info BIGINT;
ALTER TABLE summaries ADD COLUMN secs_product BIGINT;
ALTER TABLE summaries ADD COLUMN cart BIGINT;
ALTER TABLE summaries ADD COLUMN value_band BIGINT;
ALTER TABLE summaries ADD COLUMN intent_bin BIGINT;
ALTER TABLE summaries ADD COLUMN device BIGINT;
ALTER TABLE summaries ADD COLUMN source BIGINT;
ALTER TABLE summaries ADD COLUMN returning_visitor BOOLEAN;

CREATE TABLE typed_backfill (
    site TEXT NOT NULL,
    sid  TEXT NOT NULL,
    PRIMARY KEY (site, sid)
);
INSERT INTO typed_backfill (site, sid) SELECT site, sid FROM summaries;
