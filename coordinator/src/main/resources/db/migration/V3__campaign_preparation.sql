-- edgeperf coordinator schema, version 3: a campaign's variants are prepared (built, stored,
-- profiled) after submit, off the gRPC thread; its jobs are inserted when they are ready.
-- Portable SQL for H2 2.x and PostgreSQL 12+. Campaigns stored before this version were prepared
-- at submit: 0 of 0 variants, nothing pending.

ALTER TABLE campaigns ADD COLUMN prep_total INTEGER DEFAULT 0 NOT NULL;      -- variants to prepare
ALTER TABLE campaigns ADD COLUMN prep_done INTEGER DEFAULT 0 NOT NULL;       -- variants prepared so far
ALTER TABLE campaigns ADD COLUMN prep_message VARCHAR(2000) DEFAULT '' NOT NULL; -- what it is doing now
ALTER TABLE campaigns ADD COLUMN prep_failure VARCHAR(2000);                 -- NULL = not failed; else one line
