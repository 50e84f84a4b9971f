-- edgeperf coordinator schema, version 2: device selectors, leases per attempt, calibration, and
-- every JobResult field. Portable SQL for H2 2.x and PostgreSQL 12+ (BYTEA is an H2 alias of
-- VARBINARY). NULL in a measured column = the agent did not report it.

-- Calibration figures from `agent calibrate`, as sent in AgentHello.calibration. NULL = never calibrated.
ALTER TABLE agents ADD COLUMN calib_matmul_gflops DOUBLE PRECISION;
ALTER TABLE agents ADD COLUMN calib_conv_gflops DOUBLE PRECISION;
ALTER TABLE agents ADD COLUMN calib_memory_gb_per_s DOUBLE PRECISION;
ALTER TABLE agents ADD COLUMN calib_call_overhead_us DOUBLE PRECISION;
ALTER TABLE agents ADD COLUMN calib_threads INTEGER;
ALTER TABLE agents ADD COLUMN calib_measured_ms BIGINT;

ALTER TABLE campaigns ADD COLUMN cancelled_ms BIGINT;                -- NULL = not cancelled
ALTER TABLE campaigns ADD COLUMN spec_source VARCHAR(1000000) DEFAULT '' NOT NULL;

-- Jobs are no longer bound to an agent at submit time: target_agent_id is set only for jobs that
-- must run on one agent ("all" campaigns); the others wait for the first idle agent matching `selector`.
ALTER TABLE jobs ALTER COLUMN target_agent_id DROP NOT NULL;
ALTER TABLE jobs ADD COLUMN selector VARCHAR(500) DEFAULT '' NOT NULL;
ALTER TABLE jobs ADD COLUMN concurrency INTEGER DEFAULT 0 NOT NULL;  -- 0/1 = latency mode
ALTER TABLE jobs ADD COLUMN target_ci_half_width DOUBLE PRECISION DEFAULT 0 NOT NULL;
ALTER TABLE jobs ADD COLUMN warmup_until_stable BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE jobs ADD COLUMN in_process BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE jobs ADD COLUMN peak_basis VARCHAR(16) DEFAULT '' NOT NULL;  -- 'calibrated' | 'theoretical' once leased
CREATE INDEX jobs_state_idx ON jobs (state);

-- One row per lease: which agent held which attempt, and when. Results are accepted only from
-- the agent that held the (job, attempt); queue wait = leased_ms - queued_ms.
CREATE TABLE job_attempts (
    job_id              VARCHAR(64)      NOT NULL REFERENCES jobs (id),
    attempt             INTEGER          NOT NULL,
    agent_id            VARCHAR(64)      NOT NULL REFERENCES agents (id),
    queued_ms           BIGINT           NOT NULL,
    leased_ms           BIGINT           NOT NULL,
    ended_ms            BIGINT,                      -- NULL while the lease is held
    outcome             VARCHAR(16),                 -- 'result', 'failed', 'released'
    reason              VARCHAR(2000),
    peak_gflops         DOUBLE PRECISION NOT NULL,   -- the agent's peak used for the prediction
    peak_basis          VARCHAR(16)      NOT NULL,   -- 'calibrated' | 'theoretical'
    predicted_ms        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (job_id, attempt)
);
CREATE INDEX job_attempts_agent_idx ON job_attempts (agent_id);

ALTER TABLE results ADD COLUMN latency_histogram BYTEA;              -- HdrHistogram, compressed, ns
ALTER TABLE results ADD COLUMN e2e_count BIGINT;                     -- end-to-end latency per batch
ALTER TABLE results ADD COLUMN e2e_mean_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_stdev_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_min_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_p50_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_p90_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_p95_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_p99_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN e2e_max_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN p999_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN p50_ci95_low_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN p50_ci95_high_ms DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN concurrency INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE results ADD COLUMN worker_peak_rss_bytes BIGINT;
ALTER TABLE results ADD COLUMN session_footprint_bytes BIGINT;
ALTER TABLE results ADD COLUMN cpu_governor VARCHAR(64);
ALTER TABLE results ADD COLUMN load_average_1m DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN execution_providers_available VARCHAR(500) DEFAULT '' NOT NULL;
ALTER TABLE results ADD COLUMN throttle_evidence VARCHAR(500) DEFAULT '' NOT NULL;
ALTER TABLE results ADD COLUMN in_process BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE results ADD COLUMN peak_basis VARCHAR(16) DEFAULT 'theoretical' NOT NULL;
ALTER TABLE results ADD COLUMN queue_wait_ms BIGINT;                 -- queued -> leased, coordinator clock
ALTER TABLE results ADD COLUMN measurement_ms BIGINT;                -- leased -> received, coordinator clock
