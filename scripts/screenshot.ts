// `npm run screenshot`: a simulator with some CPO activity, its dashboard in chromium, saved as
// docs/dashboard.png. Uses the demo CPO (scripts/demo.ts) when present, else a small scripted one.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchChromium } from '../test/helpers/browser.js';
import { startSim } from '../test/helpers/sim.js';
import { location, tariff } from '../test/locations-fixtures.js';

const out = resolve(import.meta.dirname, '../docs/dashboard.png');
const sim = await startSim({ logLevel: 'silent' });
const demo = resolve(import.meta.dirname, 'demo.ts');
if (existsSync(demo)) {
  const { runDemo } = (await import(demo)) as { runDemo?: (url: string) => Promise<unknown> };
  sim.clock.set(Date.now()); // the demo's CDRs use the real time
  if (runDemo) await runDemo(sim.url);
} else {
  const { token } = await sim.addParty('NL', 'TNM');
  const put = (path: string, json: unknown) => sim.call('PUT', `/ocpi/2.1.1/${path}`, { token, json });
  const cities = [['Amsterdam', 'NLD'], ['Berlin', 'DEU'], ['Oslo', 'NOR'], ['Madrid', 'ESP'], ['Istanbul', 'TUR'], ['Boston', 'USA']];
  for (let i = 0; i < 24; i++) {
    const [city, country] = cities[i % cities.length] as [string, string];
    await put(`locations/NL/TNM/LOC-${i}`, location(`LOC-${i}`, { name: `${city} ${i}`, city, country }));
  }
  await put('tariffs/NL/TNM/T1', tariff('T1'));
  await sim.call('PATCH', '/ocpi/2.1.1/locations/NL/TNM/LOC-1/E1', { token, json: { status: 'CHARGING' } });
  for (const uid of ['PS-RFID-ALLOWED-01', 'PS-RFID-BLOCKED-01', 'PS-RFID-EXPIRED-01', 'PS-RFID-NOCREDIT-01']) {
    await sim.call('POST', `/ocpi/2.1.1/tokens/${uid}/authorize`, { token, json: { location_id: 'LOC-0' } });
  }
  await sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01/authorize', { token, json: { location_id: 'LOC-4' } });
}
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(`${sim.url}/`);
await page.waitForSelector('body[data-ready="true"]');
await page.waitForTimeout(800);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
await sim.stop();
console.log(`dashboard screenshot: ${out}`);
