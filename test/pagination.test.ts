// Pagination (transport_and_format.md) on GET /ocpi/2.1.1/tokens through a real server: a crawl
// following the Link headers to the end with exact header values, filters kept in the links,
// the server's maximum page size, and 2001 for bad parameters. Plus the helper on its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_TOKEN_SPECS } from '../src/fixtures/index.js';
import { nextPageUrl, pageHeaders, pageOf, parsePageParams } from '../src/ocpi/transport/pagination.js';
import { startSim, type TestSim } from './helpers/sim.js';

describe('the helper', () => {
  it('parses, caps the limit, and refuses what is wrong (2001)', () => {
    expect(parsePageParams(new URLSearchParams(''), 100)).toEqual({ offset: 0, limit: 100 });
    expect(parsePageParams(new URLSearchParams('offset=5&limit=500'), 100)).toEqual({ offset: 5, limit: 100 });
    expect(parsePageParams(new URLSearchParams('date_from=2026-01-01T00:00:00Z&date_to=2026-01-02T00:00:00'), 10)).toMatchObject({
      dateFrom: Date.parse('2026-01-01T00:00:00Z'),
      dateTo: Date.parse('2026-01-02T00:00:00Z'),
    });
    for (const q of [
      'offset=-1',
      'offset=1.5',
      'limit=0',
      'limit=x',
      'date_from=2026-01-01',
      'date_to=2026-01-01T00:00:00+01:00',
      'limit=1&limit=2',
    ]) {
      expect(() => parsePageParams(new URLSearchParams(q), 10), q).toThrowError(expect.objectContaining({ statusCode: 2001 }));
    }
  });

  it('pages with [date_from, date_to) and builds headers keeping the filters', () => {
    const items = [1, 2, 3, 4, 5].map((i) => `2026-01-0${i}T00:00:00Z`);
    const params = parsePageParams(new URLSearchParams('date_from=2026-01-02T00:00:00Z&date_to=2026-01-05T00:00:00Z&limit=2'), 10);
    expect(pageOf(items, params, (x) => x)).toEqual({ items: [items[1], items[2]], total: 3 });
    const q = new URLSearchParams('limit=2&date_from=2026-01-02T00:00:00Z&x=a b');
    expect(nextPageUrl('http://h', '/p', q, 2, 2)).toBe('http://h/p?offset=2&limit=2&date_from=2026-01-02T00:00:00Z&x=a%20b');
    expect(pageHeaders('http://h', '/p', q, { offset: 0, limit: 2 }, 3)).toEqual({
      'X-Total-Count': '3',
      'X-Limit': '2',
      Link: '<http://h/p?offset=2&limit=2&date_from=2026-01-02T00:00:00Z&x=a%20b>; rel="next"',
    });
    expect(pageHeaders('http://h', '/p', q, { offset: 2, limit: 2 }, 3)).toEqual({ 'X-Total-Count': '3', 'X-Limit': '2' });
  });
});

let sim: TestSim;
let token: string;
const EXTRA = 5;
const TOTAL = FIXTURE_TOKEN_SPECS.length + EXTRA;
beforeEach(async () => {
  sim = await startSim({ maxPageLimit: 4 });
  ({ token } = await sim.addParty('NL', 'TNM'));
  for (let i = 1; i <= EXTRA; i++) {
    const res = await sim.call('POST', '/admin/tokens', { json: { uid: `P-${i}`, last_updated: `2026-02-01T00:00:0${i}Z` } });
    expect(res.status).toBe(201);
  }
});
afterEach(() => sim.stop());

const base = () => `${sim.deps.config.publicUrl}/ocpi/2.1.1/tokens`;
const nextLink = (headers: Headers) => {
  const link = headers.get('link');
  if (link === null) return null;
  const m = /^<([^>]+)>; rel="next"$/.exec(link);
  expect(m, link).not.toBeNull();
  return (m as RegExpExecArray)[1] as string;
};
const get = (url: string) => {
  expect(url.startsWith(sim.deps.config.publicUrl)).toBe(true);
  return sim.call('GET', url.slice(sim.deps.config.publicUrl.length), { token });
};

describe('GET /ocpi/2.1.1/tokens', () => {
  it('crawled to the end: oldest first, exact X-Total-Count, X-Limit and Link, no Link on the last page', async () => {
    const expected = [...FIXTURE_TOKEN_SPECS.map((s) => s.uid), 'P-1', 'P-2', 'P-3', 'P-4', 'P-5'];
    const seen: string[] = [];
    const links: (string | null)[] = [];
    let url: string | null = base();
    while (url) {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.body.status_code).toBe(1000);
      expect(res.headers.get('x-total-count')).toBe(String(TOTAL));
      expect(res.headers.get('x-limit')).toBe('4');
      seen.push(...res.body.data.map((t: any) => t.uid));
      url = nextLink(res.headers);
      links.push(url);
    }
    expect(seen).toEqual(expected);
    expect(links).toEqual([`${base()}?offset=4&limit=4`, `${base()}?offset=8&limit=4`, `${base()}?offset=12&limit=4`, null]);
  });

  it('keeps the filters in the Link; date_from inclusive, date_to exclusive', async () => {
    const filters = 'date_from=2026-02-01T00:00:02Z&date_to=2026-02-01T00:00:05Z';
    const first = await get(`${base()}?limit=2&${filters}`);
    expect(first.body.data.map((t: any) => t.uid)).toEqual(['P-2', 'P-3']);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.headers.get('x-limit')).toBe('2');
    expect(first.headers.get('link')).toBe(`<${base()}?offset=2&limit=2&${filters}>; rel="next"`);
    const last = await get(nextLink(first.headers) as string);
    expect(last.body.data.map((t: any) => t.uid)).toEqual(['P-4']);
    expect(last.headers.get('x-total-count')).toBe('3');
    expect(last.headers.get('link')).toBeNull();
  });

  it('caps limit at MAX_PAGE_LIMIT; an offset past the end is an empty last page', async () => {
    const big = await get(`${base()}?limit=1000`);
    expect(big.body.data).toHaveLength(4);
    expect(big.headers.get('x-limit')).toBe('4');
    expect(big.headers.get('link')).toBe(`<${base()}?offset=4&limit=4>; rel="next"`);
    const past = await get(`${base()}?offset=50`);
    expect(past.body.data).toEqual([]);
    expect(past.headers.get('x-total-count')).toBe(String(TOTAL));
    expect(past.headers.get('link')).toBeNull();
  });

  it('a page whose end is exactly the total has no Link', async () => {
    const res = await get(`${base()}?offset=${TOTAL - 4}&limit=4`);
    expect(res.body.data.map((t: any) => t.uid)).toEqual(['P-2', 'P-3', 'P-4', 'P-5']);
    expect(res.headers.get('link')).toBeNull();
  });

  it.each(['offset=-1', 'limit=0', 'limit=abc', 'date_from=yesterday', 'offset=1&offset=2'])('%s answers 2001', async (q) => {
    const res = await get(`${base()}?${q}`);
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(2001);
    expect(res.headers.get('x-total-count')).toBeNull();
  });
});
