import {
  ApiError,
  type ApiArgs,
  type ApiName,
  type ApiResult,
  type EventMap,
  type EventName,
} from '../../../shared/api';
import type { Transport } from './transport';

/** The typed client over the handler map: `client.call('app.info', {})`. */
export interface ApiClient {
  transport: Transport['kind'];
  call<N extends ApiName>(name: N, args: ApiArgs<N>): Promise<ApiResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

let seq = 0;

export function createClient(transport: Transport): ApiClient {
  return {
    transport: transport.kind,
    async call(name, args) {
      const reply = await transport.send({ id: String(++seq), name, args });
      if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
      return reply.value as ApiResult<typeof name>;
    },
    on(event, listener) {
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
  };
}
