import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { dispatch, type EventEnvelope, type RequestEnvelope, type ResponseEnvelope } from '../../shared/api';
import type { Backend } from '../core/app';

export const INVOKE_CHANNEL = 'mlsys:invoke';
export const EVENT_CHANNEL = 'mlsys:event';

export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;
export type WebContentsLike = Pick<WebContents, 'send' | 'isDestroyed'>;

/**
 * Carries the handler map over Electron IPC, with the same envelope as HTTP. Only frames loaded from
 * the app's own origin may call (`isTrustedSender`).
 */
export function bridgeIpc(
  ipcMain: IpcMainLike,
  backend: Pick<Backend, 'handlers' | 'events'>,
  target: () => WebContentsLike | undefined,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, req: RequestEnvelope): Promise<ResponseEnvelope> => {
    if (!isTrustedSender(event)) {
      return {
        id: String(req?.id ?? ''),
        ok: false,
        error: { code: 'forbidden', message: 'Untrusted IPC sender' },
      };
    }
    return dispatch(backend.handlers, req);
  });
  const unsubscribe = backend.events.onAny((event, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, { event, payload } satisfies EventEnvelope);
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}
