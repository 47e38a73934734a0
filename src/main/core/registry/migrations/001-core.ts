// Migration 1 (shipped; never edit — add a new numbered file instead): experiments and run tracking.
export const version = 1;
export const name = 'core';
export const sql = `
CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL
);

CREATE TABLE runs (
  id                TEXT PRIMARY KEY,
  experiment_id     INTEGER NOT NULL REFERENCES experiments(id),
  name              TEXT,
  status            TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  ended_at          TEXT,
  duration_ms       INTEGER,
  config_yaml       TEXT NOT NULL,
  config_hash       TEXT NOT NULL,
  data_fingerprint  TEXT NOT NULL,
  seed              INTEGER NOT NULL,
  error             TEXT,
  parent_run_id     TEXT REFERENCES runs(id) ON DELETE CASCADE,
  tags_json         TEXT NOT NULL DEFAULT '{}',
  notes             TEXT,
  owner_pid         INTEGER,
  owner_host        TEXT,
  owner_start       TEXT
);
CREATE INDEX runs_experiment ON runs(experiment_id, created_at);
CREATE INDEX runs_parent ON runs(parent_run_id);
CREATE INDEX runs_status ON runs(status);

-- One row per flattened config path. value_json keeps the type; num / text serve filtering.
CREATE TABLE params (
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  value_json  TEXT NOT NULL,
  num         REAL,
  text        TEXT,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE metrics (
  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  value   REAL NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE TABLE metric_history (
  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  step    INTEGER NOT NULL,
  value   REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;

CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  bytes       INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX artifacts_run ON artifacts(run_id);
`;
