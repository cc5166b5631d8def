// The dashboard with 10,000 locations (paged and filtered on the server, never downloaded whole)
// and behind ADMIN_TOKEN (asked once, kept in sessionStorage, also used for the live stream).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ownedKey, type StoredLocation } from '../src/ocpi/records.js';
import { LOCATIONS } from '../src/ocpi/locations/service.js';
import { put } from '../src/store/index.js';
import { Simulator } from '../src/testkit/index.js';
import { hasChromium, launchChromium } from './helpers/browser.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { location } from './locations-fixtures.js';

let browser: Browser;
let page: Page;
const ready = () => page.waitForSelector('body[data-ready="true"]');
const text = (selector: string) => page.locator(selector).textContent();

describe.skipIf(!hasChromium)('dashboard at scale and with ADMIN_TOKEN (chromium)', () => {
  // One browser and one page for the file: each test's simulator listens on a port of its own,
  // so the page never carries state (storage is per origin) from one test into the next.
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  }, 30_000);
  afterAll(() => browser?.close());
  afterEach(async () => {
    // This test's listeners go, and the page leaves the dashboard before its simulator stops.
    await page.removeAllListeners(undefined, { behavior: 'ignoreErrors' });
    await page.goto('about:blank');
  });

  it('10,000 locations: one page of 20 at a time, Territory filter on the server', async () => {
    const sim: TestSim = await startSim();
    try {
      // Straight into the store: 10,000 OCPI PUTs would test the receiver, not the page.
      const party = 'NL*TNM';
      const writes = Array.from({ length: 10_000 }, (_, i) => {
        const id = `BULK-${String(i).padStart(5, '0')}`;
        const stored: StoredLocation = { party, protocol: 'ocpi', location: location(id, { country: i % 10 === 0 ? 'USA' : 'NLD' }), created_at: new Date().toISOString() };
        return put(LOCATIONS, ownedKey(party, id), stored);
      });
      await sim.deps.store.write(writes);

      const bodies: number[] = [];
      page.on('response', async (r) => {
        if (r.url().includes('/admin/locations')) bodies.push((await r.body()).length);
      });
      const started = Date.now();
      await page.goto(`${sim.url}/`);
      await ready();
      await expect.poll(() => text('[data-count="locations"]')).toBe('(10000)');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await page.locator('[data-body="locations"] tbody tr').count()).toBe(20);
      expect(await text('[data-pager="locations"]')).toContain('1–20 of 10000');

      await page.click('[data-pager="locations"] button:has-text("next")');
      await expect.poll(() => text('[data-pager="locations"]')).toContain('21–40 of 10000');
      expect(await text('[data-body="locations"]')).toContain('BULK-00020');

      await page.selectOption('[data-filter="locations"]', 'false');
      await expect.poll(() => text('[data-count="locations"]')).toBe('(1000)');
      expect(await text('[data-body="locations"]')).toContain('outside Territory');
      // Every answer was one page, not the state: 20 locations are far below 100 KB.
      expect(Math.max(...bodies)).toBeLessThan(100_000);
    } finally {
      await sim.stop();
    }
  });

  it('with ADMIN_TOKEN the page asks for it once and the live journal still streams', async () => {
    const sim = await Simulator.start({ adminToken: 'dashboard-admin-token' });
    try {
      const { token } = await sim.registerParty({ country_code: 'NL', party_id: 'TNM' });
      const prompts: string[] = [];
      page.on('dialog', (d) => {
        prompts.push(d.message());
        void d.accept('dashboard-admin-token');
      });
      await page.goto(`${sim.url}/`);
      await ready();
      expect(prompts).toHaveLength(1);
      await expect.poll(() => text('[data-body="tokens"]')).toContain('PS-RFID-ALLOWED-01');
      await fetch(`${sim.url}/ocpi/2.1.1/locations/NL/TNM/SECURE-1`, {
        method: 'PUT',
        headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(location('SECURE-1')),
      });
      await expect.poll(() => text('[data-body="journal"]'), { timeout: 10_000 }).toContain('/ocpi/2.1.1/locations/NL/TNM/SECURE-1');
      await expect.poll(() => text('[data-body="locations"]'), { timeout: 10_000 }).toContain('SECURE-1');
      // A reload reuses the token from sessionStorage: no second prompt.
      await page.reload();
      await ready();
      expect(prompts).toHaveLength(1);
    } finally {
      await sim.stop();
    }
  });
});
