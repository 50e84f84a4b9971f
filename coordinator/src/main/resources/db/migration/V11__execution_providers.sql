-- edgeperf coordinator schema, version 11 (issue 14 item 3): every job keeps the ONNX Runtime execution
-- providers its campaign requested, in order, comma-separated as the user named them canonically
-- ('cuda,cpu'). '' = none requested (the CPU provider alone).
ALTER TABLE jobs ADD COLUMN providers VARCHAR(200) DEFAULT '' NOT NULL;
-- Results keep the node count per provider of the profiled pass: 'CPUExecutionProvider=12' (NULL = unknown).
ALTER TABLE results ADD COLUMN provider_nodes VARCHAR(2000);
