import type { EventEnvelope, RequestEnvelope, ResponseEnvelope } from '../../../shared/api';

/** How the renderer reaches the backend: Electron IPC through the preload, or HTTP in browser mode. */
export interface Transport {
  kind: 'ipc' | 'http';
  send(req: RequestEnvelope): Promise<ResponseEnvelope>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export function createIpcTransport(bridge: NonNullable<Window['mlsys']>): Transport {
  return {
    kind: 'ipc',
    send: (req) => bridge.invoke(req),
    subscribe: (event, listener) => bridge.on(event, listener),
  };
}

export function createHttpTransport(baseUrl: string, token: string): Transport {
  let source: EventSource | undefined;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const ensureSource = (): EventSource => {
    if (source) return source;
    source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`);
    return source;
  };
  return {
    kind: 'http',
    async send(req) {
      const res = await fetch(`${baseUrl}/api/${encodeURIComponent(req.name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ id: req.id, args: req.args }),
      });
      const text = await res.text();
      try {
        return JSON.parse(text) as ResponseEnvelope;
      } catch {
        return {
          id: req.id,
          ok: false,
          error: { code: 'internal', message: `HTTP ${res.status}: ${text.slice(0, 200)}` },
        };
      }
    },
    subscribe(event, listener) {
      const es = ensureSource();
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        es.addEventListener(event, (msg) => {
          const env = JSON.parse((msg as MessageEvent<string>).data) as EventEnvelope;
          for (const l of listeners.get(event) ?? []) l(env.payload);
        });
      }
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

/** Picks the transport: IPC when the preload exposed it, otherwise HTTP with the launch token. */
export function detectTransport(): Transport {
  if (window.mlsys) return createIpcTransport(window.mlsys);
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('mlsys.token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
    );
  }
  const token = fromUrl ?? sessionStorage.getItem('mlsys.token') ?? '';
  return createHttpTransport(window.location.origin, token);
}
