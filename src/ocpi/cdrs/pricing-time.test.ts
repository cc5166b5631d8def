// The wall clock of a zone, as the pricing engine reads it, against Intl read directly: around
// DST changes (also Lord Howe's 30-minute one), in zones with quarter-hour offsets, and in years
// whose offsets had seconds (local mean time), where the per-quarter-hour cache must stand aside.
import { describe, expect, it } from 'vitest';
import { formatter, toLocal, wallClockCrossings } from './pricing-time.js';

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** What toLocal must say, straight from Intl.formatToParts (no offset cache). */
function reference(ms: number, timeZone: string) {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts = formatter(timeZone).formatToParts(whole);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const [y, mo, d] = [n('year'), n('month'), n('day')];
  return {
    date: `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    secondOfDay: n('hour') * 3600 + n('minute') * 60 + n('second') + (ms - whole) / 1000,
    weekday: WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()],
  };
}

/** Instants every `stepMs` from `fromIso` for `hours` hours. */
function sweep(fromIso: string, hours: number, stepMs: number): number[] {
  const from = Date.parse(fromIso);
  return Array.from({ length: Math.floor((hours * 3_600_000) / stepMs) }, (_, i) => from + i * stepMs);
}

describe('toLocal', () => {
  const cases: [string, string, number][] = [
    ['Europe/Berlin', '2026-03-29T00:00:00Z', 2], // spring forward 01:00Z
    ['Europe/Berlin', '2026-10-25T00:00:00Z', 2], // fall back 01:00Z
    ['America/New_York', '2026-11-01T05:00:00Z', 2],
    ['Australia/Lord_Howe', '2026-04-04T14:00:00Z', 2], // +11 -> +10:30
    ['Asia/Kathmandu', '2026-06-01T00:00:00Z', 1], // +05:45
    ['Europe/Amsterdam', '1937-06-30T23:00:00Z', 2], // +00:19:32 -> +00:20 on 1937-07-01
    ['Africa/Monrovia', '1972-01-06T23:00:00Z', 2], // -00:44:30 -> 0
  ];
  for (const [zone, from, hours] of cases) {
    it(`matches Intl every 7.3 s for ${hours} h from ${from} in ${zone}`, () => {
      for (const ms of sweep(from, hours, 7_300))
        expect(toLocal(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toEqual(reference(ms, zone));
    });
  }

  it('matches Intl at seeded random instants from 1850 to 2100 in eight zones', () => {
    const zones = [
      'Europe/Berlin',
      'Europe/London',
      'America/Sao_Paulo',
      'Pacific/Chatham',
      'Asia/Kolkata',
      'Europe/Dublin',
      'Africa/Casablanca',
      'UTC',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const from = Date.UTC(1850, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 4000; i++) {
      const zone = zones[i % zones.length] as string;
      const ms = Math.floor(from + next() * (to - from)) + (i % 3) * 0.25;
      expect(toLocal(ms, zone), `${zone} ${ms}`).toEqual(reference(ms, zone));
    }
  });
});

describe('wallClockCrossings', () => {
  it('finds local midnight and 08:00 across a DST change, each once', () => {
    const from = Date.parse('2026-03-28T12:00:00Z');
    const to = Date.parse('2026-03-30T12:00:00Z');
    const found = wallClockCrossings(from, to, new Set([0, 8 * 3600]), 'Europe/Berlin').map((t) => new Date(t).toISOString());
    expect(found.sort()).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T06:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
    ]);
  });
});
