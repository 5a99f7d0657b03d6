-- Offline metrics of each registered version, as a JSON object of named numbers: for a matcher
-- weight set, the balanced logistic loss of the hand-set weights and of the learned ones on the
-- outcomes it was fitted to (docs/rollout.md, "Matcher weight sets"). `{}` where none apply.

ALTER TABLE model_versions ADD COLUMN offline TEXT NOT NULL DEFAULT '{}';
