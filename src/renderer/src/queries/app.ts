import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api/context';
import { keys } from './keys';

export function useAppInfo() {
  const client = useClient();
  return useQuery({
    queryKey: keys.appInfo(),
    queryFn: () => client.call('app.info', {}),
    staleTime: 60_000,
  });
}
