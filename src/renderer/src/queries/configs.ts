import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/context';
import { keys } from './keys';

export function useConfigs() {
  const client = useClient();
  return useQuery({ queryKey: keys.configsList(), queryFn: () => client.call('configs.list', {}) });
}

export function useConfigText(path: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.configsRead(path ?? ''),
    queryFn: () => client.call('configs.read', { path: path! }),
    enabled: path !== null,
    staleTime: Infinity,
  });
}

/** `configs.validate` is called by the editor's linter directly (debounced), not through the cache. */
export function useValidateConfig() {
  const client = useClient();
  return useMutation({
    mutationFn: (args: { text: string; path?: string }) => client.call('configs.validate', args),
  });
}

export function useSaveConfig() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (args: { path: string; text: string; overwrite?: boolean }) =>
      client.call('configs.save', args),
    onSuccess: (info, args) => {
      void qc.invalidateQueries({ queryKey: keys.configsList() });
      qc.setQueryData(keys.configsRead(info.path), { path: info.path, text: args.text });
    },
  });
}
