// Migration 2: model versions, aliases (champion + user aliases), the append-only promotion log and
// the alias stamp the scoring server polls.
export const version = 2;
export const name = 'model-registry';
export const sql = `
CREATE TABLE models (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL
);

CREATE TABLE model_versions (
  id                INTEGER PRIMARY KEY,
  model_id          INTEGER NOT NULL REFERENCES models(id),
  version           INTEGER NOT NULL,
  run_id            TEXT NOT NULL REFERENCES runs(id),
  bundle_path       TEXT NOT NULL,
  bundle_sha256     TEXT NOT NULL,
  bundle_bytes      INTEGER NOT NULL,
  metrics_json      TEXT NOT NULL,
  primary_metric    TEXT NOT NULL,
  eval_fingerprint  TEXT NOT NULL,
  signature_json    TEXT,
  created_at        TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  decision          TEXT NOT NULL,
  UNIQUE (model_id, version)
);
CREATE INDEX model_versions_run ON model_versions(run_id);

CREATE TABLE aliases (
  model_id    INTEGER NOT NULL REFERENCES models(id),
  alias       TEXT NOT NULL,
  version_id  INTEGER NOT NULL REFERENCES model_versions(id),
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (model_id, alias)
);

CREATE TABLE promotion_log (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id           INTEGER NOT NULL REFERENCES models(id),
  action             TEXT NOT NULL CHECK (action IN ('register','promote','rollback','not-promoted','not-compared')),
  from_version       INTEGER,
  to_version         INTEGER,
  candidate_version  INTEGER,
  at                 TEXT NOT NULL,
  who                TEXT NOT NULL,
  reason             TEXT NOT NULL,
  metric             TEXT,
  from_value         REAL,
  to_value           REAL
);
CREATE INDEX promotion_log_model ON promotion_log(model_id, id);
CREATE TRIGGER promotion_log_no_update BEFORE UPDATE ON promotion_log
BEGIN SELECT RAISE(ABORT, 'promotion_log is append-only'); END;
CREATE TRIGGER promotion_log_no_delete BEFORE DELETE ON promotion_log
BEGIN SELECT RAISE(ABORT, 'promotion_log is append-only'); END;

CREATE TABLE registry_state (
  key    TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO registry_state (key, value) VALUES ('alias_stamp', 0);
CREATE TRIGGER aliases_stamp_insert AFTER INSERT ON aliases
BEGIN UPDATE registry_state SET value = value + 1 WHERE key = 'alias_stamp'; END;
CREATE TRIGGER aliases_stamp_update AFTER UPDATE ON aliases
BEGIN UPDATE registry_state SET value = value + 1 WHERE key = 'alias_stamp'; END;
CREATE TRIGGER aliases_stamp_delete AFTER DELETE ON aliases
BEGIN UPDATE registry_state SET value = value + 1 WHERE key = 'alias_stamp'; END;
`;
