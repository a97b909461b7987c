-- One row per (site, session): the latest summary (highest sequence number) of each session.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE summaries (
    site        TEXT    NOT NULL,
    sid         TEXT    NOT NULL,
    seq         BIGINT  NOT NULL,
    -- session start, unix seconds truncated to the hour (from the summary)
    started_at  BIGINT  NOT NULL,
    -- when the server stored this version, unix milliseconds
    received_at BIGINT  NOT NULL,
    control     BOOLEAN NOT NULL,
    purchase    BOOLEAN NOT NULL,
    -- the summary as received (compact JSON, at most a few hundred bytes)
    body        TEXT    NOT NULL,
    PRIMARY KEY (site, sid)
);

CREATE INDEX summaries_site_started ON summaries (site, started_at);

-- Summaries the clients' queues had to drop (caps, rejected batches), as they reported them.
CREATE TABLE client_drops (
    site    TEXT   NOT NULL PRIMARY KEY,
    dropped BIGINT NOT NULL
);
