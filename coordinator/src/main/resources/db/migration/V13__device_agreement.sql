-- edgeperf coordinator schema, version 13 (issue 13): the on-device agreement check. After the timed runs the
-- agent runs the variant on its reference inputs (a few batch-1 inputs whose outputs the coordinator's ONNX
-- Runtime computed at preparation) and reports how closely its outputs match. NULL = not checked (no reference
-- set, an older agent, or results stored before this version).
ALTER TABLE results ADD COLUMN device_agreement_cosine DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN device_max_abs_diff DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN device_disagrees BOOLEAN;
ALTER TABLE results ADD COLUMN device_agreement_error VARCHAR(500);
