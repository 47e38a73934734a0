import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { createClient } from '../api/client';
import { createFakeBackend } from '../test/fake-backend';
import { keys } from './keys';
import { subscribeServerEvents } from './events';

function setup() {
  const backend = createFakeBackend();
  const qc = new QueryClient();
  const off = subscribeServerEvents(createClient(backend.transport), qc);
  // a cached, fresh runs list: invalidation marks it stale
  qc.setQueryData(keys.runsList({}), { total: 0, runs: [] });
  const listStale = () => qc.getQueryState(keys.runsList({}))!.isInvalidated;
  return { backend, qc, off, listStale };
}

describe('server events → query cache', () => {
  it('accumulates progress points and marks the runs list stale on the first one only', async () => {
    const { backend, qc, listStale } = setup();
    const { run_id } = await backend.handlers['runs.start']({ configPath: 'base_config.yaml' });
    qc.setQueryData(keys.runsList({}), { total: 1, runs: [] });
    expect(listStale()).toBe(false);
    backend.progress(run_id, { stage: 'loading', percent: 1 });
    expect(listStale()).toBe(true);
    qc.setQueryData(keys.runsList({}), { total: 1, runs: [] });
    backend.progress(run_id, { stage: 'training', percent: 50, iteration: 3 });
    expect(listStale()).toBe(false);
    expect(qc.getQueryData<unknown[]>(keys.runLive(run_id))).toHaveLength(2);
  });

  it('updates a cached run detail with its latest progress', async () => {
    const { backend, qc } = setup();
    const { run_id } = await backend.handlers['runs.start']({ configPath: 'base_config.yaml' });
    qc.setQueryData(keys.runsGet(run_id), await backend.handlers['runs.get']({ run_id }));
    backend.progress(run_id, { stage: 'training', percent: 42 });
    expect(qc.getQueryData(keys.runsGet(run_id))).toMatchObject({
      status: 'running',
      progress: { percent: 42 },
    });
  });

  it('invalidates runs and registry on finish, and takes serving status as it comes', async () => {
    const { backend, qc, listStale } = setup();
    const { run_id } = await backend.handlers['runs.start']({ configPath: 'base_config.yaml' });
    qc.setQueryData(keys.runsList({}), { total: 1, runs: [] });
    qc.setQueryData(keys.registryVersions(), []);
    backend.finish(run_id);
    expect(listStale()).toBe(true);
    expect(qc.getQueryState(keys.registryVersions())!.isInvalidated).toBe(true);
    backend.emit('serving.status', { ...backend.serving, requests_total: 7 });
    expect(qc.getQueryData(keys.servingStatus())).toMatchObject({ requests_total: 7 });
  });

  it('stops listening when unsubscribed', () => {
    const { backend, qc, off } = setup();
    off();
    backend.emit('serving.status', { ...backend.serving, requests_total: 9 });
    expect(qc.getQueryData(keys.servingStatus())).toBeUndefined();
  });
});
