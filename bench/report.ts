// Turning runs into the median and the table: ratios to the bare server are computed per run
// (same run, same machine state) and then the median of those is taken.
export type Metrics = Record<string, number>;

/** Per run: ratios to the bare server of that run, and large/small ratios; then the median of each key. */
export function median(runs: Metrics[]): Metrics {
  const withRatios = runs.map((m) => {
    const r: Metrics = { ...m };
    for (const k of Object.keys(m)) {
      // Against the bare server measured right before the scenario (run.ts), else the run's median.
      if (k.endsWith('.rps') && k !== 'bare.rps') {
        const bare = m[k.replace('.rps', '.bare_rps')] ?? m['bare.rps'];
        if (bare) r[k.replace('.rps', '.ratio')] = (m[k] as number) / bare;
      }
      // The same comparison by the servers' CPU time per request: steadier on a shared machine.
      if (k.endsWith('.cpu_us') && k !== 'bare.cpu_us') {
        const bare = m[k.replace('.cpu_us', '.bare_cpu_us')] ?? m['bare.cpu_us'];
        if (bare) r[k.replace('.cpu_us', '.cpu_ratio')] = bare / (m[k] as number);
      }
    }
    // Against the 100-stored figure measured right beside it (run.ts), else the main part's. The
    // target compares the two figures as every other target reads them, each against the bare
    // server measured right before it: two measurements ~15 s apart on a machine whose speed
    // drifts by 2x (bench/README.md). The plain req/s quotient is kept beside it.
    for (const s of ['patch', 'authorize']) {
      const small = m[`${s}_small_paired.rps`] !== undefined ? `${s}_small_paired` : s;
      const large = m[`${s}_large.rps`];
      if (!large || !m[`${small}.rps`]) continue;
      r[`${s}_large.vs_small_rps`] = large / (m[`${small}.rps`] as number);
      const largeRatio = r[`${s}_large.ratio`];
      const smallRatio = r[`${small}.ratio`];
      if (largeRatio && smallRatio) r[`${s}_large.vs_small`] = largeRatio / smallRatio;
    }
    return r;
  });
  const keys = new Set(withRatios.flatMap((m) => Object.keys(m)));
  const out: Metrics = {};
  for (const k of keys) out[k] = medianOf(withRatios.map((m) => m[k]).filter((x): x is number => x !== undefined));
  return out;
}

/** The median of some figures (the mean of the middle two for an even count). */
export function medianOf(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

interface Target {
  what: string;
  value: number | undefined;
  op: '>=' | '<=';
  limit: number;
  unit: string;
  met: boolean | null;
}

/** Servers measured for reference only: no target, no simulator (run.ts waits for none). */
export const REFERENCES: ReadonlySet<string> = new Set(['bare', 'hono', 'hono_put']);

const rows = (large: string, small: string): [key: string, label: string, ratioTarget?: number][] => [
  ['bare', 'bare node:http GET'],
  ['hono', 'plain Hono GET (reference)'],
  ['versions', 'versions GET', 0.75],
  ['tokens', 'tokens GET (page of 100)'],
  ['patch', 'EVSE status PATCH', 0.4],
  ['authorize', 'authorize POST', 0.4],
  ['cdr', 'CDR POST (new ids)'],
  ['put', 'location PUT (new ids, ~2 KB)', 0.25],
  ['hono_put', 'plain Hono: the same PUT zod-validated into a Map (reference)'],
  ['patch_small_paired', `status PATCH, ${small} stored, beside the ${large} run`],
  ['patch_large', `status PATCH, ${large} stored`],
  ['authorize_large', `authorize POST, ${large} stored`],
  ['authorize_small_paired', `authorize POST, ${small} stored, beside the ${large} run`],
];

const f = (v: number | undefined, d = 0) => (v === undefined ? '-' : v.toFixed(d));

export interface Sizes {
  runs: number;
  connections: number;
  small: number;
  large: number;
  sync: number;
}

const short = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

export function report(m: Metrics, z: Sizes): { table: string; targets: Target[] } {
  const L = short(z.large);
  const targets: Target[] = [];
  const target = (what: string, value: number | undefined, op: Target['op'], limit: number, unit = '') => {
    const met = value === undefined ? null : op === '>=' ? value >= limit : value <= limit;
    targets.push({ what, value, op, limit, unit, met });
    return met === null ? '' : met ? 'met' : 'MISSED';
  };
  const lines = [
    `median of ${z.runs} run(s); simulator with LOG_LEVEL=warn, file store; ${z.connections} connections`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | x bare | target (x bare, p99 <= 25 ms) | server CPU us/req | x bare by CPU |',
    '|---|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const [key, label, ratioTarget] of rows(L, short(z.small))) {
    if (m[`${key}.rps`] === undefined) continue;
    const verdicts: string[] = [];
    if (ratioTarget) verdicts.push(`>= ${ratioTarget}: ${target(`${label} x bare`, m[`${key}.ratio`], '>=', ratioTarget)}`);
    if (!REFERENCES.has(key)) verdicts.push(`p99 ${target(`${label} p99`, m[`${key}.p99`], '<=', 25, 'ms')}`);
    const failed = m[`${key}.failed`] ? ` (${f(m[`${key}.failed`])} failed)` : '';
    lines.push(
      `| ${label}${failed} | ${f(m[`${key}.rps`])} | ${f(m[`${key}.p50`])} | ${f(m[`${key}.p99`])} | ${key === 'bare' ? '1' : f(m[`${key}.ratio`], 3)} | ${verdicts.join(', ')} | ${f(m[`${key}.cpu_us`])} | ${key === 'bare' ? '1' : f(m[`${key}.cpu_ratio`], 3)} |`,
    );
  }
  lines.push('', '| scale and start-up | value | target |', '|---|---:|---|');
  const row = (label: string, value: number | undefined, op: Target['op'], limit: number, unit: string, d = 2) =>
    lines.push(`| ${label} | ${f(value, d)}${unit ? ` ${unit}` : ''} | ${op} ${limit} ${unit}: ${target(label, value, op, limit, unit)} |`);
  for (const [s, name] of [
    ['patch', 'PATCH'],
    ['authorize', 'authorize'],
  ] as const) {
    row(`${name} x bare, ${L} stored / ${short(z.small)} stored`, m[`${s}_large.vs_small`], '>=', 0.9, '');
    lines.push(
      `| (${name} req/s, ${L} stored / ${short(z.small)} stored, without the bare server) | ${f(m[`${s}_large.vs_small_rps`], 2)} | |`,
    );
  }
  row(`start-up with ${L} locations stored (spawn to /health 200)`, m['scale.startup_ms'], '<=', 2000, 'ms', 0);
  lines.push(
    `| (${L} stored: snapshot parsed, spawn to /health \`parsing: false\`; the scale scenarios start then) | ${f(m['scale.parsed_ms'])} ms | |`,
  );
  if (m['restart.startup_ms'] !== undefined) {
    lines.push(
      `| (start-up after a crash: ${L} stored plus a log of status changes not yet compacted, ${f(m['restart.log_mb'])} MB) | ${f(m['restart.startup_ms'])} ms | |`,
    );
  }
  row(`RSS with ${L} locations stored (after start-up)`, m['scale.rss_start_mb'], '<=', 400, 'MB', 0);
  row(`RSS with ${L} locations stored, after the PATCH and authorize load`, m['scale.rss_mb'], '<=', 400, 'MB', 0);
  // The process's high-water mark over start-up, the load and its compactions (bench/README.md).
  row(`peak RSS with ${L} locations stored (VmHWM: start-up, load, compactions)`, m['scale.peak_rss_mb'], '<=', 400, 'MB', 0);
  if (m['scale.compaction_ms'] !== undefined) {
    lines.push(
      `| (${L} stored: the idle compaction after the load; the longest a /health request waited meanwhile) | ${f(m['scale.compaction_ms'])} ms; ${f(m['scale.compaction_wait_ms'], 1)} ms | |`,
    );
  }
  row(`sequential sync of ${short(z.sync)} locations (1 connection)`, m['sync.wall_s'], '<=', 10, 's');
  if (m['sync.p50'] !== undefined) {
    const busy = `${f(m['sync.main_us'])} us`;
    lines.push(
      `| (sync: latency per PUT p50 / p99; simulator main thread busy per PUT) | ${f(m['sync.p50'], 2)} / ${f(m['sync.p99'], 2)} ms; ${busy} | |`,
    );
  }
  return { table: lines.join('\n'), targets };
}
