-- Active people per day (that day, the 7 days and the 30 days up to it), kept once a day can no
-- longer change (docs/analytics.md, "Dashboards"): the operator's dashboard counts distinct
-- people over sliding windows only for the days not kept yet.

CREATE TABLE analytics_active_counts (
    day     BIGINT PRIMARY KEY NOT NULL,
    daily   BIGINT NOT NULL,
    weekly  BIGINT NOT NULL,
    monthly BIGINT NOT NULL
);
