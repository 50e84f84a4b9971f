-- edgeperf coordinator schema, version 10 (issue 13): every job keeps its variant's accuracy on the campaign's
-- labelled evaluation data, measured once on the coordinator at preparation, and the variant's fidelity to the
-- baseline on that data. '' / NULL = no evaluation data given (or jobs stored before this version).
ALTER TABLE jobs ADD COLUMN evaluation VARCHAR(500) DEFAULT '' NOT NULL;
ALTER TABLE jobs ADD COLUMN eval_samples INTEGER;
ALTER TABLE jobs ADD COLUMN accuracy_top1 DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN accuracy_top5 DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN eval_cosine DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN eval_sqnr_db DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN eval_top1_agreement DOUBLE PRECISION;
