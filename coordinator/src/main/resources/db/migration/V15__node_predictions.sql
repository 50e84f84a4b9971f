-- edgeperf coordinator schema, version 15: per graph node of a leased (job, attempt), its MACs from the cost
-- model (the variant's profile at the job's shapes) and the time the recommended predictor gave that node,
-- so the per-layer view and the report can set measured time (result_layers, same node names) against
-- predicted time and MACs. predicted_ms NULL = the predictor's breakdown has no entry for the node (e.g. a
-- node fused into another kernel); macs NULL = a kernel the predictor named that the profile does not have.
-- predictor '' = no predictor gave a per-node breakdown. Jobs leased before this version have no rows here.
CREATE TABLE job_node_predictions (
    job_id        VARCHAR(64)      NOT NULL REFERENCES jobs (id),
    attempt       INTEGER          NOT NULL,
    node          VARCHAR(500)     NOT NULL,
    op_type       VARCHAR(128)     NOT NULL,
    macs          BIGINT,
    predicted_ms  DOUBLE PRECISION,
    predictor     VARCHAR(64)      NOT NULL,
    PRIMARY KEY (job_id, attempt, node)
);

-- Total MACs per batch of the job's variant at its shapes, from the profile its lease used (the sum of
-- job_node_predictions.macs). NULL = not leased since V15, or the variant could not be profiled.
ALTER TABLE jobs ADD COLUMN macs BIGINT;
