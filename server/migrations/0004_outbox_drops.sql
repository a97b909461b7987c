-- Summaries clients had to drop, per outbox: each batch reports its outbox's running total
-- and the largest is kept, so a batch delivered twice counts nothing twice. client_drops
-- keeps the counts of SDKs that reported a per-batch count instead.
CREATE TABLE outbox_drops (
    site    TEXT   NOT NULL,
    outbox  TEXT   NOT NULL,
    dropped BIGINT NOT NULL,
    PRIMARY KEY (site, outbox)
);
