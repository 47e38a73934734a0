import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServingStatus } from '../../../shared/api';
import { useClient } from '../api/context';
import { keys } from './keys';

/** `live`: poll every 2 s for the request counters while a panel shows them. */
export function useServingStatus(live = false) {
  const client = useClient();
  return useQuery({
    queryKey: keys.servingStatus(),
    queryFn: () => client.call('serving.status', {}),
    refetchInterval: live ? 2_000 : false,
  });
}

function useServingMutation<A>(fn: (args: A) => Promise<ServingStatus>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (status) => qc.setQueryData(keys.servingStatus(), status),
  });
}

export function useServingStart() {
  const client = useClient();
  return useServingMutation((args: { port?: number }) => client.call('serving.start', args));
}

export function useServingStop() {
  const client = useClient();
  return useServingMutation((_: void) => client.call('serving.stop', {}));
}

export function useServingPort() {
  const client = useClient();
  return useServingMutation((port: number) => client.call('serving.port', { port }));
}
