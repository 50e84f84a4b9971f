-- edgeperf coordinator schema, version 7: a variant whose recipe changed nothing (no node quantized,
-- nothing pruned) is a no-op; its jobs say so, and why, so results never read as a measurement of the
-- recipe. Rows stored before this version are not no-ops (FALSE, '').
ALTER TABLE jobs ADD COLUMN variant_noop BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE jobs ADD COLUMN variant_noop_reason VARCHAR(500) DEFAULT '' NOT NULL;
