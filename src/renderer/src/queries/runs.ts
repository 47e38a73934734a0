import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RunListQuery, RunOverrides, RunProgress, RunSource } from '../../../shared/api';
import { useClient } from '../api/context';
import { keys } from './keys';

/** Every top-level run; the runs view filters and sorts them in memory (fast for 10,000 rows). */
export const ALL_RUNS: RunListQuery = { limit: 100_000, parent: null };
/** The newest runs, fetched first so the table paints before the full list arrives. */
export const FIRST_RUNS: RunListQuery = { limit: 200, parent: null };

export function useRuns(query: RunListQuery = ALL_RUNS, enabled = true) {
  const client = useClient();
  return useQuery({
    queryKey: keys.runsList(query),
    queryFn: () => client.call('runs.list', query),
    enabled,
  });
}

/**
 * All runs in two steps: the newest page first (fast first paint), then the full list, requested
 * only after the page so a busy backend answers the small query first.
 */
export function useAllRuns() {
  const head = useRuns(FIRST_RUNS);
  const more = !!head.data && head.data.total > head.data.runs.length;
  const full = useRuns(ALL_RUNS, more);
  const data = full.data ?? head.data;
  return {
    runs: data?.runs ?? [],
    total: data?.total ?? 0,
    complete: !!full.data || (!!head.data && !more),
    isLoading: head.isLoading,
    error: head.error ?? full.error,
    refetch: () => {
      void head.refetch();
      if (more) void full.refetch();
    },
  };
}

const isLive = (status: string | undefined) => status === 'queued' || status === 'running';

export function useRun(runId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.runsGet(runId ?? ''),
    queryFn: () => client.call('runs.get', { run_id: runId! }),
    enabled: !!runId,
    // events keep it fresh; the slow poll only covers a dropped event stream
    refetchInterval: (q) => (isLive(q.state.data?.status) ? 5_000 : false),
  });
}

export function useRunDiff(a: string | null, b: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.runsDiff(a ?? '', b ?? ''),
    queryFn: () => client.call('runs.diff', { a: a!, b: b! }),
    enabled: !!a && !!b && a !== b,
  });
}

export function useRunMetrics(runId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.runsMetrics(runId ?? ''),
    queryFn: () => client.call('runs.metrics', { run_id: runId! }),
    enabled: !!runId,
  });
}

export function useRunCurves(runId: string | null, enabled = true) {
  const client = useClient();
  return useQuery({
    queryKey: keys.runsCurves(runId ?? ''),
    queryFn: () => client.call('runs.curves', { run_id: runId! }),
    enabled: !!runId && enabled,
    staleTime: Infinity,
  });
}

/** Progress points received over `run.progress` for a run (oldest first). */
export function useLiveProgress(runId: string | null): RunProgress[] {
  const q = useQuery<RunProgress[]>({
    queryKey: keys.runLive(runId ?? ''),
    queryFn: () => [],
    enabled: false,
    initialData: [],
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return runId ? q.data : [];
}

export function useStartRun() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (args: RunSource & { overrides?: RunOverrides; name?: string }) =>
      client.call('runs.start', args),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['runs.list'] }),
  });
}

export function useCancelRun() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) => client.call('runs.cancel', { run_id: runId }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: keys.runsGet(r.run_id) });
      void qc.invalidateQueries({ queryKey: ['runs.list'] });
    },
  });
}

export function useExportSnapshot() {
  const client = useClient();
  return useMutation({ mutationFn: (runId: string) => client.call('snapshots.export', { run_id: runId }) });
}

/** Details and evaluations of several runs at once (compare view). */
export function useRunsDetails(runIds: string[]) {
  const client = useClient();
  const details = useQueries({
    queries: runIds.map((id) => ({
      queryKey: keys.runsGet(id),
      queryFn: () => client.call('runs.get', { run_id: id }),
    })),
  });
  const curves = useQueries({
    queries: runIds.map((id) => ({
      queryKey: keys.runsCurves(id),
      queryFn: () => client.call('runs.curves', { run_id: id }),
      staleTime: Infinity,
    })),
  });
  return { details, curves };
}
