// The measured scenarios: what each one sends, and what a correct answer looks like.
import { authorizeRequest, cdr, LOCATIONS_PATH, location, locationId, statusPatch } from './data.js';
import { okStatus, type Scenario } from './load.js';

/** Tokens the bench creates (POST /admin/tokens) besides the 9 fixture tokens. */
export const BENCH_TOKENS = 150;
/** Prefix of the location ids in the snapshot the simulator starts from. */
export const STORED = 'L';

export const bare: Scenario = { name: 'bare GET', fixed: true, next: () => ({ method: 'GET', path: '/' }), check: () => {} };

export const versions: Scenario = { name: 'versions GET', fixed: true, next: () => ({ method: 'GET', path: '/ocpi/versions' }) };

/** EVSE status PATCH (in 2.1.1 status is an EVSE field) over the `stored` locations, 2 EVSEs each. */
export const patch = (stored: number): Scenario => ({
  name: 'status PATCH',
  next: (i) => ({ method: 'PATCH', ...statusPatch(i, stored, STORED) }),
});

export const authorize = (stored: number): Scenario => ({
  name: 'authorize POST',
  next: (i) => ({ method: 'POST', ...authorizeRequest(i, stored, BENCH_TOKENS, STORED) }),
  check: (b) => {
    okStatus(b);
    if (b.data?.allowed !== 'ALLOWED') throw new Error(`allowed ${b.data?.allowed}`);
  },
});

export const tokens: Scenario = {
  name: 'tokens GET (100)',
  fixed: true,
  next: () => ({ method: 'GET', path: '/ocpi/2.1.1/tokens?offset=0&limit=100' }),
  check: (b) => {
    okStatus(b);
    if (b.data?.length !== 100) throw new Error(`${b.data?.length} tokens in the page, not 100`);
  },
};

/** Location PUT, a new id every request (a real insert, as in a first sync). `tag` keeps runs apart. */
export const put = (tag: string): Scenario => ({
  name: 'location PUT',
  next: (i) => {
    const id = locationId(`N${tag}`, i);
    return { method: 'PUT', path: `${LOCATIONS_PATH}/${id}`, body: JSON.stringify(location(id, i)) };
  },
});

/** CDR POST, a new id every request, at a stored location, for a bench token. */
export const cdrs = (stored: number, tag: string): Scenario => ({
  name: 'CDR POST',
  next: (i) => ({ method: 'POST', path: '/ocpi/2.1.1/cdrs', body: JSON.stringify(cdr(`C${tag}-${i}`, i, stored, STORED)) }),
});
