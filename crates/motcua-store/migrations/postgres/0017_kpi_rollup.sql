-- The KPI rollup (issue 14): per Vietnam day, resolving agency, receiving desk, procedure and
-- channel, the counts of dossiers (KPI.md), kept in the transaction of every dossier change.
-- `open`, `overdue` and `late_national` are day-to-day differences: a balance at the end of a
-- day is the sum of the days up to it. `motcua report --verify` recomputes it from the
-- histories; the flag below has the service build it once for the dossiers already stored.
CREATE TABLE kpi_daily (
    day TEXT NOT NULL,
    resolving TEXT NOT NULL,
    receiving TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    persons BIGINT NOT NULL DEFAULT 0,
    population_data BIGINT NOT NULL DEFAULT 0,
    digitised BIGINT NOT NULL DEFAULT 0,
    reused BIGINT NOT NULL DEFAULT 0,
    personal_store BIGINT NOT NULL DEFAULT 0,
    to_pay BIGINT NOT NULL DEFAULT 0,
    paid_online BIGINT NOT NULL DEFAULT 0,
    finished_early BIGINT NOT NULL DEFAULT 0,
    finished_on_time BIGINT NOT NULL DEFAULT 0,
    finished_late BIGINT NOT NULL DEFAULT 0,
    late_with_apology BIGINT NOT NULL DEFAULT 0,
    refused BIGINT NOT NULL DEFAULT 0,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    ended_on_time BIGINT NOT NULL DEFAULT 0,
    ended_on_time_national BIGINT NOT NULL DEFAULT 0,
    result_electronic BIGINT NOT NULL DEFAULT 0,
    finished_unsatisfied BIGINT NOT NULL DEFAULT 0,
    open BIGINT NOT NULL DEFAULT 0,
    overdue BIGINT NOT NULL DEFAULT 0,
    late_national BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, resolving, receiving, procedure_code, channel)
);

INSERT INTO settings (key, value, updated_at) VALUES ('kpi_rollup', 'rebuild', '2026-12-02T00:00:00Z');

-- The dossiers behind a figure: a unit's dossiers by receipt time.
CREATE INDEX dossiers_resolving_received ON dossiers (resolving_agency, received_at);

-- The plans' targets (KPI.md §4): per plan, figure, scope ('' the province, 'agency:CODE',
-- 'kind:KIND') and due date, a share (0-1) or a count. An import of a plan replaces its rows.
CREATE TABLE plan_targets (
    plan TEXT NOT NULL,
    province_code TEXT NOT NULL,
    figure TEXT NOT NULL,
    scope TEXT NOT NULL,
    due TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plan, figure, scope, due)
);
