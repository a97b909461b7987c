-- Rollups: additive tallies per (site, day, …) of the stored summaries (server/src/aggregate).
-- Reads cost the window's days, not its sessions. Raw summaries may be deleted by retention;
-- these rows are kept. Portable SQL: the same migration runs on SQLite and PostgreSQL.

-- Ingest writes, in the transaction that stores a batch, the batch's merged contribution to
-- the rollups (new versions added, the versions they replace taken out) as one row here; the
-- roller (Store::roll_up) folds these rows into the rollup tables and deletes them.
CREATE TABLE rollup_log (
    id     TEXT NOT NULL PRIMARY KEY,
    site   TEXT NOT NULL,
    -- crate::aggregate::Aggregates as JSON
    deltas TEXT NOT NULL
);

-- Summaries stored before the rollups existed; folded in (and removed from here) when the
-- server opens the store.
CREATE TABLE rollup_backfill (
    site TEXT NOT NULL,
    sid  TEXT NOT NULL,
    PRIMARY KEY (site, sid)
);
INSERT INTO rollup_backfill (site, sid) SELECT site, sid FROM summaries;

-- Per day and experiment cell, split by what is known before treatment.
CREATE TABLE rollup_arms (
    site              TEXT    NOT NULL,
    day               BIGINT  NOT NULL,
    control           BOOLEAN NOT NULL,
    ranker            TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    returning_visitor BOOLEAN NOT NULL,
    source            BIGINT  NOT NULL,
    device            BIGINT  NOT NULL,
    sessions          BIGINT  NOT NULL,
    carts             BIGINT  NOT NULL,
    purchases         BIGINT  NOT NULL,
    product_viewers   BIGINT  NOT NULL,
    revenue_cents     BIGINT  NOT NULL,
    revenue_cents_sq  BIGINT  NOT NULL,
    PRIMARY KEY (site, day, control, ranker, model, returning_visitor, source, device)
);

-- n, Σx, Σx² of each purchase driver, for buyers and non-buyers.
CREATE TABLE rollup_drivers (
    site     TEXT    NOT NULL,
    day      BIGINT  NOT NULL,
    buyer    BOOLEAN NOT NULL,
    feature  BIGINT  NOT NULL,
    n        BIGINT  NOT NULL,
    total    BIGINT  NOT NULL,
    total_sq BIGINT  NOT NULL,
    PRIMARY KEY (site, day, buyer, feature)
);

-- Sessions by the tenth their intent checkpoint fell in.
CREATE TABLE rollup_calibration (
    site      TEXT   NOT NULL,
    day       BIGINT NOT NULL,
    bin       BIGINT NOT NULL,
    sessions  BIGINT NOT NULL,
    purchases BIGINT NOT NULL,
    score_255 BIGINT NOT NULL,
    PRIMARY KEY (site, day, bin)
);

CREATE TABLE rollup_categories (
    site      TEXT   NOT NULL,
    day       BIGINT NOT NULL,
    category  TEXT   NOT NULL,
    sessions  BIGINT NOT NULL,
    purchases BIGINT NOT NULL,
    PRIMARY KEY (site, day, category)
);

-- Per page (path hash): what bounce rate, exit rate and page value are computed from.
CREATE TABLE rollup_pages (
    site        TEXT   NOT NULL,
    day         BIGINT NOT NULL,
    page        BIGINT NOT NULL,
    sessions    BIGINT NOT NULL,
    entries     BIGINT NOT NULL,
    bounces     BIGINT NOT NULL,
    exits       BIGINT NOT NULL,
    value_cents BIGINT NOT NULL,
    PRIMARY KEY (site, day, page)
);
