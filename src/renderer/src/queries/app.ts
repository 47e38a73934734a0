import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api/context';

export function useAppInfo() {
  const client = useClient();
  return useQuery({ queryKey: ['app.info'], queryFn: () => client.call('app.info', {}) });
}
