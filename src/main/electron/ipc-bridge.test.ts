import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { EventBus } from '../core/app/events';
import type { Handlers } from '../../shared/api';
import { bridgeIpc, EVENT_CHANNEL, INVOKE_CHANNEL, type IpcMainLike } from './ipc-bridge';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain {
  handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error('second handler');
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, url: string, ...args: unknown[]) {
    const event = { senderFrame: { url } } as unknown as IpcMainInvokeEvent;
    return this.handlers.get(channel)!(event, ...args);
  }
}

function setup() {
  const ipc = new FakeIpcMain();
  const events = new EventBus();
  const sent: Array<[string, unknown]> = [];
  const handlers = {
    'app.info': async () => ({
      name: 'ml-sys',
      version: '1',
      dataDir: 'd',
      registryPath: 'r',
      artifactsPath: 'a',
      scoringUrl: 'u',
      home: 'h',
    }),
  } as unknown as Handlers;
  const dispose = bridgeIpc(
    ipc as unknown as IpcMainLike,
    { handlers, events },
    () => ({ send: (c: string, p: unknown) => sent.push([c, p]), isDestroyed: () => false }),
    (e) => (e.senderFrame?.url ?? '').startsWith('file://'),
  );
  return { ipc, events, sent, dispose };
}

describe('IPC bridge', () => {
  it('carries the same envelope as HTTP', async () => {
    const { ipc } = setup();
    const reply = await ipc.invoke(INVOKE_CHANNEL, 'file:///app/index.html', {
      id: '3',
      name: 'app.info',
      args: {},
    });
    expect(reply).toMatchObject({ id: '3', ok: true, value: { name: 'ml-sys' } });
  });

  it('refuses untrusted senders', async () => {
    const { ipc } = setup();
    const reply = await ipc.invoke(INVOKE_CHANNEL, 'https://evil.example/', {
      id: '3',
      name: 'app.info',
      args: {},
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('rejects unknown names', async () => {
    const { ipc } = setup();
    const reply = await ipc.invoke(INVOKE_CHANNEL, 'file:///x', { id: '1', name: 'fs.readFile', args: {} });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('forwards backend events to the window and stops after dispose', () => {
    const { events, sent, dispose, ipc } = setup();
    events.emit('run.queued', { run_id: 'r1', name: 'first' });
    expect(sent).toEqual([
      [EVENT_CHANNEL, { event: 'run.queued', payload: { run_id: 'r1', name: 'first' } }],
    ]);
    dispose();
    events.emit('run.queued', { run_id: 'r2', name: 'second' });
    expect(sent).toHaveLength(1);
    expect(ipc.handlers.size).toBe(0);
  });
});
