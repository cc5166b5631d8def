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
  emit(event: SimEvent): void {
    if (this.emitter.listenerCount('event') > 0) this.emitter.emit('event', event);
  }
  subscribe(listener: (event: SimEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
