import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/context';
import { keys } from './keys';

export function useModelVersions(name?: string) {
  const client = useClient();
  return useQuery({
    queryKey: keys.registryVersions(name),
    queryFn: () => client.call('registry.versions', name ? { name } : {}),
  });
}

export function useChampion(name?: string) {
  const client = useClient();
  return useQuery({
    queryKey: keys.registryChampion(name),
    queryFn: () => client.call('registry.champion', name ? { name } : {}),
  });
}

export function usePromotionHistory(name?: string) {
  const client = useClient();
  return useQuery({
    queryKey: keys.registryHistory(name),
    queryFn: () => client.call('registry.history', name ? { name } : {}),
  });
}

function useInvalidateRegistry() {
  const qc = useQueryClient();
  return () => {
    for (const k of [
      'registry.versions',
      'registry.champion',
      'registry.history',
      'runs.list',
      'serving.status',
    ])
      void qc.invalidateQueries({ queryKey: [k] });
  };
}

export function usePromote() {
  const client = useClient();
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (args: { name?: string; version: number; reason?: string }) =>
      client.call('registry.promote', args),
    onSuccess: invalidate,
  });
}

export function useRollback() {
  const client = useClient();
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (args: { name?: string; reason?: string }) => client.call('registry.rollback', args),
    onSuccess: invalidate,
  });
}
