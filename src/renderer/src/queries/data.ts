import { useQuery } from '@tanstack/react-query';
import type { RunSource } from '../../../shared/api';
import { useClient } from '../api/context';
import { keys } from './keys';

const hasSource = (s: RunSource | null): s is RunSource => !!s && !!(s.configPath || s.configText);

export function useDataSummary(source: RunSource | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.dataDescribe(source ?? {}),
    queryFn: () => client.call('data.describe', source!),
    enabled: hasSource(source),
    staleTime: 5 * 60_000,
  });
}

export function useDataPreview(source: RunSource | null, limit = 20) {
  const client = useClient();
  return useQuery({
    queryKey: keys.dataPreview(source ?? {}, limit),
    queryFn: () => client.call('data.preview', { ...source!, limit }),
    enabled: hasSource(source),
    staleTime: 5 * 60_000,
  });
}
