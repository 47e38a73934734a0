import { EventEmitter } from 'node:events';
import type { EventMap, EventName } from '../../../shared/api';

export type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** The backend's typed event bus; transports subscribe with `onAny` and forward every event. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.emitter.emit('event', event, payload);
  }

  onAny(listener: EventListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
