-- Spans: each rollup table read summed over a window, summed again per 16 days counted
-- from day 0 (server/src/aggregate/spans.rs, SPAN_DAYS), `day` holding the span's first day.
-- A long window reads its spans and at most 15 days; the roller writes both levels in one
-- transaction. Filled here from the daily tables. Portable SQL: the same migration runs on
-- SQLite and PostgreSQL.

CREATE TABLE rollup_arms_spans (
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
INSERT INTO rollup_arms_spans (site, day, control, ranker, model, returning_visitor, source, device, sessions, carts, purchases, product_viewers, revenue_cents, revenue_cents_sq)
    SELECT site, day - day % 16, control, ranker, model, returning_visitor, source, device, SUM(sessions), SUM(carts), SUM(purchases), SUM(product_viewers), SUM(revenue_cents), SUM(revenue_cents_sq)
    FROM rollup_arms GROUP BY site, day - day % 16, control, ranker, model, returning_visitor, source, device;

CREATE TABLE rollup_drivers_spans (
    site     TEXT    NOT NULL,
    day      BIGINT  NOT NULL,
    buyer    BOOLEAN NOT NULL,
    feature  BIGINT  NOT NULL,
    n        BIGINT  NOT NULL,
    total    BIGINT  NOT NULL,
    total_sq BIGINT  NOT NULL,
    PRIMARY KEY (site, day, buyer, feature)
);
INSERT INTO rollup_drivers_spans (site, day, buyer, feature, n, total, total_sq)
    SELECT site, day - day % 16, buyer, feature, SUM(n), SUM(total), SUM(total_sq)
    FROM rollup_drivers GROUP BY site, day - day % 16, buyer, feature;

CREATE TABLE rollup_calibration_spans (
    site      TEXT    NOT NULL,
    day       BIGINT  NOT NULL,
    bin       BIGINT  NOT NULL,
    sessions  BIGINT  NOT NULL,
    purchases BIGINT  NOT NULL,
    score_255 BIGINT  NOT NULL,
    PRIMARY KEY (site, day, bin)
);
INSERT INTO rollup_calibration_spans (site, day, bin, sessions, purchases, score_255)
    SELECT site, day - day % 16, bin, SUM(sessions), SUM(purchases), SUM(score_255)
    FROM rollup_calibration GROUP BY site, day - day % 16, bin;

CREATE TABLE rollup_categories_spans (
    site      TEXT    NOT NULL,
    day       BIGINT  NOT NULL,
    category  TEXT    NOT NULL,
    sessions  BIGINT  NOT NULL,
    purchases BIGINT  NOT NULL,
    PRIMARY KEY (site, day, category)
);
INSERT INTO rollup_categories_spans (site, day, category, sessions, purchases)
    SELECT site, day - day % 16, category, SUM(sessions), SUM(purchases)
    FROM rollup_categories GROUP BY site, day - day % 16, category;

CREATE TABLE rollup_pages_spans (
    site        TEXT    NOT NULL,
    day         BIGINT  NOT NULL,
    page        BIGINT  NOT NULL,
    sessions    BIGINT  NOT NULL,
    entries     BIGINT  NOT NULL,
    bounces     BIGINT  NOT NULL,
    exits       BIGINT  NOT NULL,
    value_cents BIGINT  NOT NULL,
    PRIMARY KEY (site, day, page)
);
INSERT INTO rollup_pages_spans (site, day, page, sessions, entries, bounces, exits, value_cents)
    SELECT site, day - day % 16, page, SUM(sessions), SUM(entries), SUM(bounces), SUM(exits), SUM(value_cents)
    FROM rollup_pages GROUP BY site, day - day % 16, page;

CREATE TABLE rollup_cohorts_spans (
    site    TEXT    NOT NULL,
    day     BIGINT  NOT NULL,
    control BOOLEAN NOT NULL,
    units   BIGINT  NOT NULL,
    n       BIGINT  NOT NULL,
    x       BIGINT  NOT NULL,
    r       BIGINT  NOT NULL,
    nn      BIGINT  NOT NULL,
    xx      BIGINT  NOT NULL,
    rr      BIGINT  NOT NULL,
    nx      BIGINT  NOT NULL,
    nr      BIGINT  NOT NULL,
    PRIMARY KEY (site, day, control)
);
INSERT INTO rollup_cohorts_spans (site, day, control, units, n, x, r, nn, xx, rr, nx, nr)
    SELECT site, day - day % 16, control, SUM(units), SUM(n), SUM(x), SUM(r), SUM(nn), SUM(xx), SUM(rr), SUM(nx), SUM(nr)
    FROM rollup_cohorts GROUP BY site, day - day % 16, control;
