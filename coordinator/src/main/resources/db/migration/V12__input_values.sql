-- edgeperf coordinator schema, version 12: every job keeps the values the user gave for integer inputs
-- (`--value sr=16000`, a spec's `values:`), which the agent feeds instead of generated data, as JSON
-- ({"sr":[16000]}). '' = none given (every input generated).
ALTER TABLE jobs ADD COLUMN input_values VARCHAR(2000) DEFAULT '' NOT NULL;
-- Results show them as text, as input_shapes: 'sr=16000' (NULL = none given).
ALTER TABLE results ADD COLUMN input_values VARCHAR(2000);
