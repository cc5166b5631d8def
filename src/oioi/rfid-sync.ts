// rfid-post: our RFID whitelist pushed to CPOs that authorize offline. On demand (admin) to any
// partner with an endpoint, and automatically to partners whose key says rfid_sync: true, shortly
// after tokens change (the token service emits 'change' events on collection 'tokens'; a burst
// of changes gives one push after DEBOUNCE_MS). A push is skipped when the list is the one last
// accepted by that partner; a failed one is tried again at the next change. Results are kept in
// memory per partner (GET /admin/oioi/rfid-sync).
import type { Deps } from '../deps.js';
import { COLLECTIONS } from '../ocpi/records.js';
import { listKeys, type CpoEndpoint, type OioiKeyRecord } from './keys.js';
import { type CpoTarget, type OutboundOutcome, sendRfidPost } from './outbound.js';
import { rfidWhitelist, type Whitelist } from './tokens.js';

const DEBOUNCE_MS = 250;

export interface RfidSyncResult extends OutboundOutcome {
  partner_identifier: string;
  at: string;
  trigger: 'admin' | 'token-change';
  sent: number;
  skipped: Whitelist['skipped'];
  processed?: number;
}

class RfidSync {
  private readonly results = new Map<string, RfidSyncResult>();
  /** Partner -> the list it last accepted, joined. */
  private readonly accepted = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly deps: Deps) {
    this.unsubscribe = deps.events.on('change', (e) => {
      if (e.data.collection === COLLECTIONS.tokens) this.schedule();
    });
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pushChanged().catch((err: unknown) => this.deps.log.warn('oioi rfid-sync failed', { error: String(err) }));
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Every partner with rfid_sync whose accepted list differs from the current one. */
  private async pushChanged(): Promise<void> {
    const targets = listKeys(this.deps).filter((k): k is OioiKeyRecord & { cpo: CpoEndpoint } => k.cpo?.rfid_sync === true);
    const seen = new Set<string>();
    for (const record of targets) {
      if (this.closed || seen.has(record.partner_identifier)) continue;
      seen.add(record.partner_identifier);
      const list = rfidWhitelist(this.deps);
      if (this.accepted.get(record.partner_identifier) === list.rfids.join(',')) continue;
      await this.push({ record, cpo: record.cpo }, 'token-change');
    }
  }

  async push(target: CpoTarget, trigger: RfidSyncResult['trigger']): Promise<RfidSyncResult> {
    const list = rfidWhitelist(this.deps);
    const { outcome, processed } = await sendRfidPost(this.deps, target, list.rfids);
    const partner = target.record.partner_identifier;
    const result: RfidSyncResult = {
      partner_identifier: partner,
      at: new Date(this.deps.clock.now()).toISOString(),
      trigger,
      sent: list.rfids.length,
      skipped: list.skipped,
      ...outcome,
      ...(processed !== undefined ? { processed } : {}),
    };
    this.results.set(partner, result);
    if (outcome.ok) this.accepted.set(partner, list.rfids.join(','));
    else this.accepted.delete(partner);
    return result;
  }

  statuses(): RfidSyncResult[] {
    return [...this.results.values()];
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe();
  }
}

const syncs = new WeakMap<Deps, RfidSync>();

/** The rfid-post sync of a simulator instance; created (and subscribed to token changes) by startOioi. */
export function rfidSyncOf(deps: Deps): RfidSync {
  const known = syncs.get(deps);
  if (known) return known;
  const sync = new RfidSync(deps);
  syncs.set(deps, sync);
  return sync;
}

export function stopRfidSync(deps: Deps): void {
  syncs.get(deps)?.close();
  syncs.delete(deps);
}
