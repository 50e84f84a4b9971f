-- edgeperf coordinator schema, version 8: every job keeps the calibration data its variant was built and
-- checked with (e.g. 'random (seed 20240601)', 'mnist train[0:256]', 'images:photos 64 files') and the
-- variant's fidelity to the baseline on that data, so results say when a variant was calibrated on random
-- inputs. '' / NULL = not recorded (jobs stored before this version, baselines have no fidelity).
ALTER TABLE jobs ADD COLUMN calibration VARCHAR(500) DEFAULT '' NOT NULL;
ALTER TABLE jobs ADD COLUMN fidelity_cosine DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN fidelity_sqnr_db DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN fidelity_top1 DOUBLE PRECISION;
