import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { EventMap, RunDetail, RunProgress } from '../../../shared/api';
import type { ApiClient } from '../api/client';
import { useClient } from '../api/context';
import { keys } from './keys';

/** Keeps at most this many live points per run (charts stay responsive on long trainings). */
const MAX_LIVE_POINTS = 5_000;

const invalidate = (qc: QueryClient, ...prefixes: string[]) => {
  for (const p of prefixes) void qc.invalidateQueries({ queryKey: [p] });
};

/** Wires server events into the query cache; returns the unsubscribe function. */
export function subscribeServerEvents(client: ApiClient, qc: QueryClient): () => void {
  const offs = [
    client.on('run.queued', () => invalidate(qc, 'runs.list')),
    client.on('run.progress', (p: EventMap['run.progress']) => {
      // the first progress of a run means queued → running: the runs list shows statuses
      if (!qc.getQueryData<RunProgress[]>(keys.runLive(p.run_id))?.length) invalidate(qc, 'runs.list');
      qc.setQueryData<RunProgress[]>(keys.runLive(p.run_id), (prev = []) => {
        const next = prev.length >= MAX_LIVE_POINTS ? prev.slice(1) : prev.slice();
        next.push(p);
        return next;
      });
      qc.setQueryData<RunDetail>(keys.runsGet(p.run_id), (prev) =>
        prev
          ? {
              ...prev,
              status: prev.status === 'queued' && p.stage !== 'queued' ? 'running' : prev.status,
              progress: p,
            }
          : prev,
      );
    }),
    client.on('run.finished', (e) => {
      for (const k of [keys.runsGet(e.run_id), keys.runsMetrics(e.run_id), keys.runsCurves(e.run_id)])
        void qc.invalidateQueries({ queryKey: k });
      invalidate(
        qc,
        'runs.list',
        'registry.versions',
        'registry.champion',
        'registry.history',
        'serving.status',
      );
    }),
    client.on('champion.changed', () =>
      invalidate(
        qc,
        'registry.versions',
        'registry.champion',
        'registry.history',
        'runs.list',
        'serving.status',
      ),
    ),
    client.on('serving.status', (s) => qc.setQueryData(keys.servingStatus(), s)),
  ];
  return () => offs.forEach((off) => off());
}

/** Subscribes once (mount it at the app root). */
export function useServerEvents(): void {
  const client = useClient();
  const qc = useQueryClient();
  useEffect(() => subscribeServerEvents(client, qc), [client, qc]);
}
