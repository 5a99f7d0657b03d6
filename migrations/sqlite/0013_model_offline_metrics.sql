-- Offline metrics of each registered version, as a JSON object of named numbers: for a matcher
-- weight set, the balanced logistic loss of the hand-set weights and of the learned ones on the
-- outcomes it was fitted to (docs/analytics.md, "Matcher weight sets"). `{}` where none apply.

ALTER TABLE model_versions ADD COLUMN offline TEXT NOT NULL DEFAULT '{}';

-- A matcher weight set is named by its weights: it is registered once (a set that was retired or
-- rolled back is never tried again), and at most one is on trial at a time, whichever node or
-- worker learned it first.
CREATE UNIQUE INDEX model_versions_matcher_once ON model_versions (version) WHERE kind = 'matcher';
CREATE UNIQUE INDEX model_versions_matcher_trial ON model_versions (kind) WHERE kind = 'matcher' AND status = 'canary';
