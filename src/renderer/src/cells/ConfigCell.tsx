import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EditorView } from '@codemirror/view';
import type { ConfigValidation } from '../../../shared/api';
import { useClient } from '../api/context';
import { Cell } from '../components/Cell';
import { InlineError, Loading } from '../components/Status';
import { useConfigs, useConfigText, useSaveConfig, useStartRun } from '../queries';
import { useUi } from '../stores/ui';
import { issuesToDiagnostics } from './diagnostics';
import { YamlEditor } from './YamlEditor';
import { useEditorBuffer } from './editor-buffer';

const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function ConfigCell() {
  const client = useClient();
  const configs = useConfigs();
  const configPath = useUi((s) => s.configPath);
  const setConfigPath = useUi((s) => s.setConfigPath);
  const setActiveRun = useUi((s) => s.setActiveRun);
  const addLaunched = useUi((s) => s.addLaunched);
  const file = useConfigText(configPath);
  const { text, setText, dirty } = useEditorBuffer(configPath, file.data?.text);
  const [validation, setValidation] = useState<ConfigValidation | null>(null);
  const [validationError, setValidationError] = useState<string | null>(null);
  const [experimentName, setExperimentName] = useState('');
  const [runName, setRunName] = useState('');
  const save = useSaveConfig();
  const start = useStartRun();

  // pick the base config once the list arrives
  useEffect(() => {
    if (configPath === null && configs.data?.length) {
      const base = configs.data.find((c) => c.kind === 'base') ?? configs.data[0];
      setConfigPath(base.path);
    }
  }, [configPath, configs.data, setConfigPath]);

  const lint = useCallback(
    async (view: EditorView) => {
      const doc = view.state.doc;
      try {
        const result = await client.call('configs.validate', {
          text: doc.toString(),
          path: configPath ?? undefined,
        });
        setValidation(result);
        setValidationError(null);
        return issuesToDiagnostics(doc, result.issues);
      } catch (err) {
        setValidationError(err instanceof Error ? err.message : String(err));
        return [];
      }
    },
    [client, configPath],
  );

  const nameOk = EXPERIMENT_NAME.test(experimentName);
  const issues = validation?.issues ?? [];
  const sorted = useMemo(
    () =>
      [...(configs.data ?? [])].sort((a, b) => a.kind.localeCompare(b.kind) || a.path.localeCompare(b.path)),
    [configs.data],
  );

  const onRun = () => {
    // an edited buffer keeps its file's path so `extends:` resolves from where the file lives
    const source =
      dirty || !configPath ? { configText: text, configPath: configPath ?? undefined } : { configPath };
    start.mutate(
      { ...source, name: runName.trim() || undefined },
      {
        onSuccess: (r) => {
          addLaunched(r.run_id);
          setActiveRun(r.run_id);
          setRunName('');
        },
      },
    );
  };

  const onSave = () => {
    save.mutate(
      { path: `experiments/${experimentName}.yaml`, text },
      {
        onSuccess: (info) => {
          setConfigPath(info.path);
          setExperimentName('');
        },
      },
    );
  };

  return (
    <Cell name="config" title="Config">
      {configs.isError && (
        <InlineError
          what="Could not list configs"
          error={configs.error}
          onRetry={() => void configs.refetch()}
        />
      )}
      <div className="toolbar">
        <label>
          Config file{' '}
          <select
            aria-label="Config file"
            value={configPath ?? ''}
            onChange={(e) => setConfigPath(e.target.value || null)}
            disabled={!configs.data}
          >
            {!configs.data?.length && <option value="">No config files</option>}
            {sorted.map((c) => (
              <option key={c.path} value={c.path}>
                {c.kind === 'base' ? `${c.path} (base)` : c.path}
              </option>
            ))}
          </select>
        </label>
        {dirty && (
          <span className="muted" aria-label="Unsaved changes">
            ● edited
          </span>
        )}
        <span className="spacer" />
        <span
          role="status"
          aria-live="polite"
          className={issues.length ? 'error' : 'ok'}
          data-testid="config-validation"
        >
          {validation === null
            ? 'Validating…'
            : issues.length
              ? `${issues.length} problem${issues.length > 1 ? 's' : ''}`
              : `Valid${validation.hash ? ` · hash ${validation.hash.slice(0, 8)}` : ''}`}
        </span>
      </div>
      {file.isError && (
        <InlineError
          what={`Could not read ${configPath}`}
          error={file.error}
          onRetry={() => void file.refetch()}
        />
      )}
      {configPath && file.isLoading ? (
        <Loading what="config" />
      ) : (
        <YamlEditor value={text} onChange={setText} lint={lint} label="Config YAML" />
      )}
      {validationError && <InlineError what="Validation unavailable" error={validationError} />}
      {issues.length > 0 && (
        <ul className="issues" aria-label="Config problems">
          {issues.map((i, n) => (
            <li key={n}>
              <code>
                line {i.line}:{i.column}
              </code>{' '}
              {i.path && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
      <div className="toolbar">
        <label>
          Run name{' '}
          <input
            aria-label="Run name"
            placeholder="optional"
            value={runName}
            onChange={(e) => setRunName(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="primary"
          onClick={onRun}
          disabled={start.isPending || issues.length > 0 || !text.trim()}
        >
          {start.isPending ? 'Queueing…' : 'Run'}
        </button>
        <span className="spacer" />
        <label>
          Save as experiment{' '}
          <input
            aria-label="Experiment name"
            placeholder="e.g. deeper_trees"
            value={experimentName}
            onChange={(e) => setExperimentName(e.target.value)}
            aria-invalid={experimentName !== '' && !nameOk}
          />
        </label>
        <button type="button" onClick={onSave} disabled={!nameOk || save.isPending || issues.length > 0}>
          Save as new experiment
        </button>
      </div>
      {experimentName !== '' && !nameOk && (
        <p className="hint error">
          Use letters, digits, “-” and “_” only; it is saved as experiments/&lt;name&gt;.yaml.
        </p>
      )}
      {start.isError && <InlineError what="Could not start the run" error={start.error} />}
      {save.isError && <InlineError what="Could not save" error={save.error} />}
      {save.isSuccess && (
        <p role="status" className="ok">
          Saved {save.data.path}
        </p>
      )}
    </Cell>
  );
}
