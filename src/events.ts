// In-process events for live views (SSE on the admin API, the dashboard, the testkit's waitFor).
import { EventEmitter } from 'node:events';

export type SimEvent =
  | { type: 'journal'; data: unknown }
  | { type: 'finding'; data: unknown }
  | { type: 'change'; data: { collection: string; key: string; op: 'put' | 'del' } };

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  /** Whether anybody listens to events of this type (so one that costs something to build can be skipped). */
  listening(type: SimEvent['type']): boolean {
    return this.emitter.listenerCount('event') > 0 || this.emitter.listenerCount(type) > 0;
  }
  emit(event: SimEvent): void {
    if (this.emitter.listenerCount('event') > 0) this.emitter.emit('event', event);
    if (this.emitter.listenerCount(event.type) > 0) this.emitter.emit(event.type, event);
  }
  /** Every event (the live views). */
  subscribe(listener: (event: SimEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
  /** Events of one type only. */
  on<T extends SimEvent['type']>(type: T, listener: (event: Extract<SimEvent, { type: T }>) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }
}
