// The dashboard in a real headless browser (Debian chromium): what a CPO engineer sees and clicks.
// The simulator is driven through the testkit, as a CPO team's own suite would.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Simulator } from '../src/testkit/index.js';
import { hasChromium, launchChromium } from './helpers/browser.js';
import { location } from './locations-fixtures.js';

let browser: Browser;
let sim: Simulator;
let token: string;
let page: Page;

/** The CPO side: an OCPI call with its token C; HTTP status and envelope. */
const ocpi = async (method: string, path: string, json?: unknown) => {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe.skipIf(!hasChromium)('dashboard (chromium at /usr/bin/chromium)', () => {
  // One browser and one page for the file: each test's simulator listens on a port of its own,
  // so the page never carries state (storage is per origin) from one test into the next.
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  }, 30_000);
  afterAll(() => browser?.close());
  beforeEach(async () => {
    sim = await Simulator.start();
    ({ token } = await sim.registerParty({ country_code: 'NL', party_id: 'TNM' }));
  });
  afterEach(async () => {
    // Leave the dashboard (and its live stream) before its simulator stops.
    await page.goto('about:blank');
    await sim.stop();
  });

  const open = async () => {
    await page.goto(`${sim.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
  };

  it('shows a location pushed over OCPI, live', async () => {
    await open();
    const put = await ocpi('PUT', '/ocpi/2.1.1/locations/NL/TNM/DASH-LOC-1', location('DASH-LOC-1', { name: 'Dashboard Square' }));
    expect(put.body.status_code).toBe(1000);
    const locations = page.locator('[data-body="locations"]');
    await expect.poll(() => locations.textContent(), { timeout: 10_000 }).toContain('DASH-LOC-1');
    expect(await locations.textContent()).toContain('Dashboard Square');
    // And the live journal shows the PUT.
    await expect.poll(() => page.locator('[data-body="journal"]').textContent(), { timeout: 10_000 }).toContain('/ocpi/2.1.1/locations/NL/TNM/DASH-LOC-1');
  });

  it('switching a scenario on from the page makes the next OCPI request fail', async () => {
    await open();
    await page.click('[data-scenario="plugsurfing-down"]');
    await page.waitForSelector('[data-scenario-off="plugsurfing-down"]');
    const res = await ocpi('GET', '/ocpi/versions');
    expect(res.status).toBe(503);
    // Switch it off again from the page: the simulator answers again.
    await page.click('[data-scenario-off="plugsurfing-down"]');
    await page.waitForSelector('[data-scenario="plugsurfing-down"]');
    expect((await ocpi('GET', '/ocpi/versions')).status).toBe(200);
  });

  it('blocking a token from the page makes the next authorization answer BLOCKED', async () => {
    await ocpi('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', location('LOC1'));
    const authorize = () =>
      ocpi('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01/authorize', { location_id: 'LOC1' });
    expect((await authorize()).body.data.allowed).toBe('ALLOWED');
    await open();
    await page.click('[data-block="PS-RFID-ALLOWED-01"]');
    await page.waitForSelector('[data-unblock="PS-RFID-ALLOWED-01"]');
    expect((await authorize()).body.data.allowed).toBe('BLOCKED');
  });
});
