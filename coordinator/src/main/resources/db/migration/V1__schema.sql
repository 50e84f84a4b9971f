-- edgeperf coordinator schema, version 1.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+. Times are Unix epoch milliseconds
-- (BIGINT) so that no database-specific timestamp/time-zone semantics leak into results.

CREATE TABLE agents (
    id                  VARCHAR(64)      NOT NULL PRIMARY KEY,
    name                VARCHAR(200)     NOT NULL UNIQUE,
    hostname            VARCHAR(255)     NOT NULL,
    cpu_model           VARCHAR(255)     NOT NULL,
    physical_cores      INTEGER          NOT NULL,
    logical_cores       INTEGER          NOT NULL,
    max_freq_hz         BIGINT           NOT NULL,
    memory_bytes        BIGINT           NOT NULL,
    os                  VARCHAR(255)     NOT NULL,
    arch                VARCHAR(64)      NOT NULL,
    isa_features        VARCHAR(2000)    NOT NULL,   -- comma-separated, lower case
    peak_gflops         DOUBLE PRECISION NOT NULL,   -- theoretical fp32 peak, GFLOP/s
    peak_basis          VARCHAR(500)     NOT NULL,
    board               VARCHAR(100)     NOT NULL,
    fingerprint         VARCHAR(128)     NOT NULL,
    jvm                 VARCHAR(255)     NOT NULL,
    agent_version       VARCHAR(64)      NOT NULL,
    engine              VARCHAR(64)      NOT NULL,
    engine_version      VARCHAR(64)      NOT NULL,
    execution_providers VARCHAR(500)     NOT NULL,   -- comma-separated
    labels_json         VARCHAR(4000)    NOT NULL,   -- JSON object of string -> string
    connected           BOOLEAN          NOT NULL,
    first_seen_ms       BIGINT           NOT NULL,
    last_seen_ms        BIGINT           NOT NULL
);

CREATE TABLE campaigns (
    id                  VARCHAR(64)      NOT NULL PRIMARY KEY,
    name                VARCHAR(200)     NOT NULL,
    spec_json           VARCHAR(8000)    NOT NULL,   -- the submitted request, for provenance
    created_ms          BIGINT           NOT NULL
);

CREATE TABLE jobs (
    id                  VARCHAR(64)      NOT NULL PRIMARY KEY,
    campaign_id         VARCHAR(64)      NOT NULL REFERENCES campaigns (id),
    seq                 INTEGER          NOT NULL,   -- submission order inside the campaign
    target_agent_id     VARCHAR(64)      NOT NULL REFERENCES agents (id),
    model_name          VARCHAR(200)     NOT NULL,
    model_digest        CHAR(64)         NOT NULL,   -- lower-case hex SHA-256 of the ONNX file
    model_size_bytes    BIGINT           NOT NULL,
    variant_recipe      VARCHAR(200)     NOT NULL,
    batch_size          INTEGER          NOT NULL,
    threads             INTEGER          NOT NULL,   -- intra-op threads requested, 0 = engine default
    warmup_iterations   INTEGER          NOT NULL,   -- measurement settings; 0 = agent default
    min_iterations      INTEGER          NOT NULL,
    min_duration_ms     BIGINT           NOT NULL,
    max_duration_ms     BIGINT           NOT NULL,
    flops               BIGINT           NOT NULL,   -- per batch
    peak_gflops         DOUBLE PRECISION NOT NULL,   -- the target agent's peak used for predicted_ms
    predicted_ms        DOUBLE PRECISION NOT NULL,
    state               VARCHAR(16)      NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed')),
    attempt             INTEGER          NOT NULL,   -- 1-based
    leased_to           VARCHAR(64)      REFERENCES agents (id),
    queued_ms           BIGINT           NOT NULL,
    leased_ms           BIGINT,
    finished_ms         BIGINT,
    failure_reason      VARCHAR(2000)
);

CREATE INDEX jobs_campaign_idx ON jobs (campaign_id);
CREATE INDEX jobs_state_target_idx ON jobs (state, target_agent_id);

CREATE TABLE results (
    job_id                   VARCHAR(64)      NOT NULL REFERENCES jobs (id),
    attempt                  INTEGER          NOT NULL,
    agent_id                 VARCHAR(64)      NOT NULL REFERENCES agents (id),
    batch_size               INTEGER          NOT NULL,
    threads                  INTEGER          NOT NULL,   -- what the session actually used
    latency_kind             VARCHAR(16)      NOT NULL,   -- 'compute': session.run only, per batch
    sample_count             BIGINT           NOT NULL,
    mean_ms                  DOUBLE PRECISION NOT NULL,
    stdev_ms                 DOUBLE PRECISION NOT NULL,
    min_ms                   DOUBLE PRECISION NOT NULL,
    p50_ms                   DOUBLE PRECISION NOT NULL,
    p90_ms                   DOUBLE PRECISION NOT NULL,
    p95_ms                   DOUBLE PRECISION NOT NULL,
    p99_ms                   DOUBLE PRECISION NOT NULL,
    max_ms                   DOUBLE PRECISION NOT NULL,
    throughput_samples_per_s DOUBLE PRECISION NOT NULL,
    session_create_ms        DOUBLE PRECISION NOT NULL,
    first_inference_ms       DOUBLE PRECISION NOT NULL,
    warmup_iterations        INTEGER          NOT NULL,
    stop_reason              VARCHAR(200)     NOT NULL,
    engine                   VARCHAR(64)      NOT NULL,
    engine_version           VARCHAR(64)      NOT NULL,
    execution_provider       VARCHAR(64)      NOT NULL,
    jvm                      VARCHAR(255)     NOT NULL,
    agent_version            VARCHAR(64)      NOT NULL,
    hardware_fingerprint     VARCHAR(128)     NOT NULL,
    cpu_temp_before_c        DOUBLE PRECISION,            -- NULL = unknown
    cpu_freq_before_hz       BIGINT,
    cpu_temp_after_c         DOUBLE PRECISION,
    cpu_freq_after_hz        BIGINT,
    throttled                BOOLEAN          NOT NULL,
    predicted_ms             DOUBLE PRECISION NOT NULL,   -- copied from the job at commit time
    peak_gflops              DOUBLE PRECISION NOT NULL,
    finished_ms              BIGINT           NOT NULL,   -- agent clock
    received_ms              BIGINT           NOT NULL,   -- coordinator clock
    PRIMARY KEY (job_id, attempt)
);
