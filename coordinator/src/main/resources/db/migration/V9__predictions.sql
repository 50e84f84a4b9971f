-- edgeperf coordinator schema, version 9: every predictor's prediction per (job, attempt), made when the job
-- is leased with the leasing agent's device profile, and whether that profile was stale (measured on other
-- hardware or another engine version than the agent now reports). predicted_ms 0 = the predictor could not
-- predict (basis says why). Jobs leased before this version have no rows here.
CREATE TABLE job_predictions (
    job_id        VARCHAR(64)      NOT NULL REFERENCES jobs (id),
    attempt       INTEGER          NOT NULL,
    predictor     VARCHAR(64)      NOT NULL,
    predicted_ms  DOUBLE PRECISION NOT NULL,
    basis         VARCHAR(500)     NOT NULL,
    PRIMARY KEY (job_id, attempt, predictor)
);
ALTER TABLE jobs ADD COLUMN recommended_predictor VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE jobs ADD COLUMN prediction_stale BOOLEAN;                -- NULL = leased before V9
ALTER TABLE jobs ADD COLUMN prediction_stale_reason VARCHAR(500) DEFAULT '' NOT NULL;

-- What the agent's calibration was measured on ('' = the profile does not say).
ALTER TABLE agents ADD COLUMN calib_hardware_fingerprint VARCHAR(128) DEFAULT '' NOT NULL;
ALTER TABLE agents ADD COLUMN calib_engine_version VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE agents ADD COLUMN calib_node_overhead_us DOUBLE PRECISION;  -- NULL = never calibrated

-- Per-node times of the profiled pass an agent makes after the timed runs (ONNX Runtime's profiler),
-- one row per node of a stored result. in_graph = FALSE: a node ONNX Runtime inserted (no graph_op_type).
CREATE TABLE result_layers (
    job_id         VARCHAR(64)      NOT NULL REFERENCES jobs (id),
    attempt        INTEGER          NOT NULL,
    seq            INTEGER          NOT NULL,       -- order in the profile
    node           VARCHAR(500)     NOT NULL,
    op_type        VARCHAR(128)     NOT NULL,
    graph_op_type  VARCHAR(128)     NOT NULL,
    in_graph       BOOLEAN          NOT NULL,
    mean_us        DOUBLE PRECISION NOT NULL,
    runs           INTEGER          NOT NULL,
    PRIMARY KEY (job_id, attempt, seq)
);

-- FLOPs per op type of the variant at the job's shapes, from the profile the lease's predictions used, so
-- that analysis can set where the measured time goes (result_layers) against where the FLOPs are.
CREATE TABLE job_op_flops (
    job_id   VARCHAR(64)  NOT NULL REFERENCES jobs (id),
    attempt  INTEGER      NOT NULL,
    op_type  VARCHAR(128) NOT NULL,
    flops    BIGINT       NOT NULL,
    PRIMARY KEY (job_id, attempt, op_type)
);
