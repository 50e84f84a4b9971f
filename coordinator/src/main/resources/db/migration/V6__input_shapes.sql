-- edgeperf coordinator schema, version 6: input shapes in campaigns. A job keeps the concrete shape
-- of every model input at its batch, resolved at submit (JSON, {"x":[8,3,320,320]}; '' = none, jobs
-- stored before this version); its result row keeps them as shown, x=8x3x320x320 y=8x10 (NULL before).
ALTER TABLE jobs ADD COLUMN input_shapes VARCHAR(8000) DEFAULT '' NOT NULL;
ALTER TABLE results ADD COLUMN input_shapes VARCHAR(4000);
