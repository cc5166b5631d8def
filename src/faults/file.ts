// FAULTS_FILE: rules, authorization overrides and scenarios to set at start. All validated
// before any is applied; an error names the file and the JSON path of each problem.
//
//   { "rules": [ { "method": "PUT", "path": "/ocpi/2.1.1/locations/*", "status": 503, "times": 1 },
//                { "kind": "authorization", "allowed": "BLOCKED", "token_uid": "DE8PS0001" } ],
//     "scenarios": [ "reject-all-cdrs", { "name": "flaky-network", "probability": 0.1 } ] }
//
// A bare array is read as `rules`.
import { readFile } from 'node:fs/promises';
import { describeIssues, type Issue } from '../ocpi/transport/errors.js';
import { zodIssues } from '../ocpi/transport/validate.js';
import { type FaultEngine, type FaultSpec, joinPath, parseFaultRule } from './engine.js';
import { applyScenario, findScenario, type Scenario, ScenarioOptions, SCENARIOS } from './scenarios.js';

export class FaultsFileError extends Error {
  override name = 'FaultsFileError';
  constructor(
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export interface FaultsDocument {
  rules: FaultSpec[];
  scenarios: { scenario: Scenario; options: ScenarioOptions }[];
}

/** Validate a parsed faults document; issues name JSON paths. */
export function parseFaultsDocument(json: unknown): { ok: true; doc: FaultsDocument } | { ok: false; issues: Issue[] } {
  const root = Array.isArray(json) ? { rules: json } : json;
  if (typeof root !== 'object' || root === null)
    return { ok: false, issues: [{ path: '', message: 'must be an object { rules, scenarios } or an array of rules' }] };
  const issues: Issue[] = [];
  const { rules = [], scenarios = [], ...rest } = root as { rules?: unknown; scenarios?: unknown };
  for (const key of Object.keys(rest)) issues.push({ path: key, message: 'unknown key (expected rules, scenarios)' });
  const doc: FaultsDocument = { rules: [], scenarios: [] };
  if (!Array.isArray(rules)) issues.push({ path: 'rules', message: 'must be an array of fault rules' });
  else
    rules.forEach((input, i) => {
      const parsed = parseFaultRule(input, `rules[${i}]`);
      if (parsed.ok) doc.rules.push(parsed.spec);
      else issues.push(...parsed.issues);
    });
  if (!Array.isArray(scenarios)) issues.push({ path: 'scenarios', message: 'must be an array of scenario names or { name, ...options }' });
  else
    scenarios.forEach((entry, i) => {
      const at = `scenarios[${i}]`;
      const { name, ...options } = typeof entry === 'string' ? { name: entry } : ((entry ?? {}) as { name?: unknown });
      const scenario = typeof name === 'string' ? findScenario(name) : undefined;
      if (!scenario) {
        issues.push({
          path: typeof entry === 'string' ? at : `${at}.name`,
          message: `unknown scenario ${JSON.stringify(name)}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
        });
        return;
      }
      const result = ScenarioOptions.safeParse(options);
      if (result.success) doc.scenarios.push({ scenario, options: result.data });
      else issues.push(...zodIssues(result.error).map((x) => ({ ...x, path: joinPath(at, x.path) })));
    });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, doc };
}

/** Read, validate and apply FAULTS_FILE; nothing is applied when anything is wrong. */
export async function loadFaultsFile(engine: FaultEngine, file: string): Promise<{ rules: number; scenarios: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new FaultsFileError(`FAULTS_FILE ${file}: cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FaultsFileError(`FAULTS_FILE ${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseFaultsDocument(json);
  if (!parsed.ok) throw new FaultsFileError(`FAULTS_FILE ${file}: ${describeIssues(parsed.issues, 10)}`, parsed.issues);
  try {
    engine.addAll(parsed.doc.rules);
  } catch (err) {
    throw new FaultsFileError(`FAULTS_FILE ${file}: ${(err as Error).message}`);
  }
  for (const { scenario, options } of parsed.doc.scenarios) applyScenario(engine, scenario, options);
  return { rules: parsed.doc.rules.length, scenarios: parsed.doc.scenarios.map((s) => s.scenario.name) };
}
