-- edgeperf coordinator schema, version 4: every result row keeps the agent's hardware as it was
-- when the result arrived (an agent's row in `agents` shows only its latest hardware).
-- Empty = unknown (rows stored before this version).
ALTER TABLE results ADD COLUMN arch VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE results ADD COLUMN board VARCHAR(100) DEFAULT '' NOT NULL;
ALTER TABLE results ADD COLUMN cpu_model VARCHAR(255) DEFAULT '' NOT NULL;
