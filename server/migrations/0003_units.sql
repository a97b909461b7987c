-- Per-visitor tallies for statistics whose unit is the randomisation unit
-- (server/src/aggregate/units.rs), and calibration from the intent checkpoint taken before
-- the session's first add to cart (summaries carry it as `ipc`).

-- One randomisation unit's sessions, purchases and revenue (12.50 steps) per day and arm.
CREATE TABLE rollup_unit_days (
    site      TEXT    NOT NULL,
    day       BIGINT  NOT NULL,
    unit      BIGINT  NOT NULL,
    control   BOOLEAN NOT NULL,
    sessions  BIGINT  NOT NULL,
    purchases BIGINT  NOT NULL,
    revenue   BIGINT  NOT NULL,
    PRIMARY KEY (site, day, unit, control)
);
-- The roller reads every day of the units a batch touches.
CREATE INDEX rollup_unit_days_unit ON rollup_unit_days (site, unit);

-- Sums over the units first seen on a day (their cohort), per arm.
CREATE TABLE rollup_cohorts (
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

-- Calibration is recomputed from what is stored: the tables above and the new calibration
-- are added for every stored summary not already waiting in rollup_backfill (which adds
-- everything), and the rollup log's rows written before this migration (format 0) no longer
-- add to calibration (Store::roll_up). Sessions already deleted by retention leave the
-- calibration; their other rollups stay.
ALTER TABLE rollup_log ADD COLUMN format BIGINT NOT NULL DEFAULT 0;
DELETE FROM rollup_calibration;
CREATE TABLE rollup_refill (
    site TEXT NOT NULL,
    sid  TEXT NOT NULL,
    PRIMARY KEY (site, sid)
);
INSERT INTO rollup_refill (site, sid)
    SELECT s.site, s.sid FROM summaries s
    WHERE NOT EXISTS (SELECT 1 FROM rollup_backfill b WHERE b.site = s.site AND b.sid = s.sid);
