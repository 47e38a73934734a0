import { contextBridge, ipcRenderer } from 'electron';
import { isApiName, isEventName } from '../shared/api/contract';
import type { EventEnvelope, RequestEnvelope, ResponseEnvelope } from '../shared/api/envelope';

// No logic beyond allow-listing: only names from the handler map and the event map pass.
contextBridge.exposeInMainWorld('mlsys', {
  invoke(req: RequestEnvelope): Promise<ResponseEnvelope> {
    if (!isApiName(req?.name)) return Promise.reject(new Error(`Unknown API call: ${String(req?.name)}`));
    return ipcRenderer.invoke('mlsys:invoke', req) as Promise<ResponseEnvelope>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new Error(`Unknown event: ${event}`);
    const wrapped = (_e: unknown, env: EventEnvelope) => {
      if (env.event === event) listener(env.payload);
    };
    ipcRenderer.on('mlsys:event', wrapped);
    return () => ipcRenderer.off('mlsys:event', wrapped);
  },
});
