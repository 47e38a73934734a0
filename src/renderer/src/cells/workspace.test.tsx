// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EditorView } from '@codemirror/view';
import { App } from '../App';
import { createFakeBackend } from '../test/fake-backend';
import { useUi } from '../stores/ui';
import { renderWithBackend } from '../test/render';

afterEach(cleanup);

function editorView(): EditorView {
  const el = screen.getByTestId('config-editor').querySelector('.cm-editor') as HTMLElement;
  const view = EditorView.findFromDOM(el);
  if (!view) throw new Error('no editor');
  return view;
}

function replaceText(find: string, replacement: string) {
  const view = editorView();
  const text = view.state.doc.toString();
  const from = text.indexOf(find);
  act(() => view.dispatch({ changes: { from, to: from + find.length, insert: replacement } }));
}

const cell = (name: string) => screen.getByRole('region', { name });

describe('config cell', () => {
  it('loads the base config, validates it and lists base and experiment files', async () => {
    const { backend } = renderWithBackend(<App />);
    await waitFor(() => expect(editorView().state.doc.toString()).toContain('algorithm: gbdt'));
    await waitFor(() =>
      expect(screen.getByTestId('config-validation').textContent).toMatch(/^Valid · hash [0-9a-f]{8}$/),
    );
    const select = screen.getByRole('combobox', { name: 'Config file' }) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['base_config.yaml', 'experiments/deep.yaml']);
    expect(backend.calls.some((c) => c.name === 'configs.validate')).toBe(true);
  });

  it("underlines an invalid key with the validator's message and blocks Run", async () => {
    renderWithBackend(<App />);
    await waitFor(() => expect(editorView().state.doc.toString()).toContain('algorithm: gbdt'));
    await waitFor(() => expect(screen.getByTestId('config-validation').textContent).toMatch(/^Valid/));
    replaceText('algorithm: gbdt', 'algorithm: xgb');
    const problems = await screen.findByRole('list', { name: 'Config problems' }, { timeout: 3000 });
    expect(problems.textContent).toContain('line 6:14');
    expect(problems.textContent).toContain('expected one of "gbdt"|"logistic"|"mlp"');
    await waitFor(() => {
      const marked = document.querySelector('.cm-lintRange-error');
      expect(marked?.textContent).toBe('xgb');
    });
    expect(screen.getByRole('button', { name: 'Run' })).toHaveProperty('disabled', true);
    expect(screen.getByLabelText('Unsaved changes')).toBeTruthy();
  });

  it('switches to an experiment file and saves the edited buffer as a new experiment', async () => {
    const user = userEvent.setup();
    const { backend } = renderWithBackend(<App />);
    await waitFor(() => expect(editorView().state.doc.toString()).toContain('algorithm: gbdt'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Config file' }), 'experiments/deep.yaml');
    await waitFor(() => expect(editorView().state.doc.toString()).toContain('max_depth: 8'));
    replaceText('max_depth: 8', 'max_depth: 9');
    await user.type(screen.getByRole('textbox', { name: 'Experiment name' }), 'deeper');
    await user.click(screen.getByRole('button', { name: 'Save as new experiment' }));
    expect(await screen.findByText('Saved experiments/deeper.yaml')).toBeTruthy();
    expect(backend.calls.find((c) => c.name === 'configs.save')?.args).toMatchObject({
      path: 'experiments/deeper.yaml',
      text: expect.stringContaining('max_depth: 9'),
    });
    await waitFor(() =>
      expect((screen.getByRole('combobox', { name: 'Config file' }) as HTMLSelectElement).value).toBe(
        'experiments/deeper.yaml',
      ),
    );
  });

  it('runs an edited buffer as text with its file path, so extends: resolves', async () => {
    const user = userEvent.setup();
    const { backend } = renderWithBackend(<App />);
    await waitFor(() => expect(editorView().state.doc.toString()).toContain('algorithm: gbdt'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Config file' }), 'experiments/deep.yaml');
    await waitFor(() => expect(editorView().state.doc.toString()).toContain('max_depth: 8'));
    replaceText('max_depth: 8', 'max_depth: 7');
    await waitFor(() => expect(screen.getByTestId('config-validation').textContent).toMatch(/^Valid/));
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(backend.calls.some((c) => c.name === 'runs.start')).toBe(true));
    expect(backend.calls.find((c) => c.name === 'runs.start')!.args).toEqual({
      configPath: 'experiments/deep.yaml',
      configText: expect.stringContaining('max_depth: 7'),
    });
    expect(backend.runs.get('r00001')!.params['model.max_depth']).toBe(7);
  });

  it('rejects a bad experiment name before calling the API', async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />);
    await user.type(screen.getByRole('textbox', { name: 'Experiment name' }), 'bad name!');
    expect(screen.getByRole('button', { name: 'Save as new experiment' })).toHaveProperty('disabled', true);
    expect(screen.getByText(/Use letters, digits/)).toBeTruthy();
  });
});

describe('data cell', () => {
  it('summarises the dataset and previews rows', async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />);
    expect((await screen.findByTestId('data-rows')).textContent).toBe('1,200');
    const data = cell('Data');
    expect(within(data).getByText('25.0%')).toBeTruthy();
    const columns = within(data).getByRole('table', { name: 'Columns' });
    expect(
      within(columns).getByRole('rowheader', { name: 'ALEXA_RANK' }).parentElement!.textContent,
    ).toContain('99,000');
    expect(within(columns).getByText(/2 to 5 \(600\)/)).toBeTruthy();
    await user.click(within(data).getByText(/Preview \(5 of 1,200 rows\)/));
    expect(
      within(data).getByRole('table', { name: 'Data preview' }).querySelectorAll('tbody tr'),
    ).toHaveLength(5);
  });
});

describe('run and results cells', () => {
  it('queues several runs, shows live progress and curves, then results', async () => {
    const user = userEvent.setup();
    const backend = createFakeBackend();
    renderWithBackend(<App />, backend);
    await waitFor(() => expect(screen.getByTestId('config-validation').textContent).toMatch(/^Valid/));
    await user.type(screen.getByRole('textbox', { name: 'Run name' }), 'first');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await user.click(await screen.findByRole('button', { name: 'Run' }));
    const queue = await screen.findByRole('list', { name: 'Run queue' });
    await waitFor(() => expect(within(queue).getAllByRole('listitem')).toHaveLength(2));
    expect(backend.calls.filter((c) => c.name === 'runs.start').map((c) => c.args)).toEqual([
      { configPath: 'base_config.yaml', name: 'first' },
      { configPath: 'base_config.yaml' },
    ]);

    // the second run is active; open the first from the queue
    await user.click(within(queue).getByRole('button', { name: 'first' }));
    act(() =>
      backend.progress('r00001', {
        stage: 'training',
        percent: 40,
        iteration: 10,
        total: 100,
        train_loss: 0.5,
        valid_loss: 0.55,
      }),
    );
    act(() =>
      backend.progress('r00001', {
        stage: 'training',
        percent: 45,
        iteration: 20,
        total: 100,
        train_loss: 0.4,
        valid_loss: 0.5,
        valid_auc: 0.8,
      }),
    );
    const status = await screen.findByTestId('run-status');
    await waitFor(() => expect(within(status).getByTestId('run-stage').textContent).toBe('training'));
    expect(status.textContent).toContain('45%');
    expect(status.textContent).toContain('iteration 20 / 100');
    const loss = within(status).getByRole('img', { name: 'Loss by iteration' });
    expect(loss.getAttribute('data-traces')).toBe('train loss|valid loss');
    expect(
      within(status).getByRole('img', { name: 'AUC by iteration' }).getAttribute('data-trace-count'),
    ).toBe('1');
    expect(screen.getByText('Run is running')).toBeTruthy();

    act(() => backend.finish('r00001'));
    await waitFor(() => expect(status.getAttribute('data-status')).toBe('succeeded'));
    const results = cell('Results');
    const cards = await within(results).findByRole('list', { name: 'Metrics' });
    expect(within(cards).getByLabelText('roc_auc raw').textContent).toBe(
      String(backend.runs.get('r00001')!.metrics.roc_auc),
    );
    expect(within(cards).getByLabelText('roc_auc calibrated').textContent).toContain('calibrated');
    for (const name of [
      'ROC curve',
      'Precision-recall curve',
      'Reliability diagram',
      'Gains and lift',
      'Feature importance (gain)',
    ])
      expect(await within(results).findByRole('img', { name })).toBeTruthy();
    expect(within(results).getByLabelText('Classification report').textContent).toContain('precision');
  });

  it('recomputes the confusion matrix when the threshold moves', async () => {
    const backend = createFakeBackend();
    const { client } = renderWithBackend(<App />, backend);
    const { run_id } = await client.call('runs.start', { configPath: 'base_config.yaml' });
    act(() => backend.finish(run_id));
    // open it as the workspace's active run, as the runs view does
    act(() => useUi.getState().openRun(run_id));
    const tp = await screen.findByTestId('cm-tp', {}, { timeout: 3000 });
    const total = () =>
      ['cm-tp', 'cm-fp', 'cm-tn', 'cm-fn'].reduce(
        (s, id) => s + Number(screen.getByTestId(id).textContent),
        0,
      );
    expect(total()).toBe(200);
    const atHalf = Number(tp.textContent);
    fireEvent.change(screen.getByRole('slider', { name: 'Threshold' }), { target: { value: '0.05' } });
    expect(screen.getByLabelText('Threshold value').textContent).toBe('0.05');
    expect(Number(screen.getByTestId('cm-tp').textContent)).toBeGreaterThan(atHalf);
    expect(Number(screen.getByTestId('cm-fn').textContent)).toBe(0);
    expect(total()).toBe(200);
  });

  it('cancels a running run', async () => {
    const user = userEvent.setup();
    const backend = createFakeBackend();
    renderWithBackend(<App />, backend);
    await waitFor(() => expect(screen.getByTestId('config-validation').textContent).toMatch(/^Valid/));
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await screen.findByTestId('run-status');
    act(() => backend.progress('r00001', { stage: 'loading', percent: 3 }));
    await user.click(await screen.findByRole('button', { name: 'Cancel run' }));
    await waitFor(() =>
      expect(screen.getByTestId('run-status').getAttribute('data-status')).toBe('cancelled'),
    );
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    // a cancelled run can be re-run from its snapshot
    await user.click(
      within(screen.getByTestId('run-status')).getByRole('button', { name: 'Re-run from snapshot' }),
    );
    await waitFor(() => expect(backend.calls.filter((c) => c.name === 'runs.start')).toHaveLength(2));
    expect(backend.calls.filter((c) => c.name === 'runs.start')[1].args).toMatchObject({
      name: 're-run of run 1',
      configText: expect.stringContaining('algorithm: gbdt'),
    });
  });

  it('shows a failed start inline', async () => {
    const user = userEvent.setup();
    const backend = createFakeBackend();
    renderWithBackend(<App />, backend);
    await waitFor(() => expect(screen.getByTestId('config-validation').textContent).toMatch(/^Valid/));
    backend.failNext('runs.start', 'queue is full');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect((await screen.findByText(/queue is full/)).closest('[role="alert"]')).not.toBeNull();
  });
});
