// Migration 3: denormalised params/metrics JSON on each run so a page of the runs table is one read,
// backfilled from the params and metrics tables; indexes for filtering and sorting by param/metric.
export const version = 3;
export const name = 'run-summary-columns';
export const sql = `
ALTER TABLE runs ADD COLUMN params_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN metrics_json TEXT NOT NULL DEFAULT '{}';

UPDATE runs SET params_json = COALESCE(
  (SELECT json_group_object(key, json(value_json)) FROM params WHERE params.run_id = runs.id), '{}');
UPDATE runs SET metrics_json = COALESCE(
  (SELECT json_group_object(name, value) FROM metrics WHERE metrics.run_id = runs.id), '{}');

CREATE INDEX params_key_num ON params(key, num);
CREATE INDEX params_key_text ON params(key, text);
CREATE INDEX metrics_name_value ON metrics(name, value);
CREATE INDEX runs_started ON runs(started_at);
CREATE INDEX runs_created ON runs(created_at);
`;
