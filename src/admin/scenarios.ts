// Named scenarios: several fault rules switched on and off under one name.
import { applyScenario, findScenario, SCENARIOS, ScenarioOptions } from '../faults/scenarios.js';
import { AdminError, adminBody } from './http.js';
import { type AdminRouter, created } from './router.js';

export function registerScenarioAdmin(admin: AdminRouter): void {
  admin.get('/scenarios', 'The named scenarios, whether each is on, and the ids of its rules', ({ deps }) => {
    const rules = deps.faults.list();
    return {
      items: SCENARIOS.map((s) => {
        const ids = rules.filter((r) => r.scenario === s.name).map((r) => r.id);
        return { name: s.name, description: s.description, active: ids.length > 0, rules: ids };
      }),
    };
  });

  admin.post(
    '/scenarios/:name',
    'Switch a scenario on (again: replaces its rules); body: its options',
    async ({ c, deps, params }) => {
      const scenario = requireScenario(params.name as string);
      const options = await adminBody(c, ScenarioOptions);
      const rules = applyScenario(deps.faults, scenario, options);
      deps.log.info('scenario on', { scenario: scenario.name });
      return created({ name: scenario.name, active: true, rules: rules.map((r) => deps.faults.get(r.id)) });
    },
    ScenarioOptions,
  );

  admin.delete('/scenarios/:name', 'Switch a scenario off (removes its rules)', ({ deps, params }) => {
    const scenario = requireScenario(params.name as string);
    const removed = deps.faults.removeScenario(scenario.name);
    return { name: scenario.name, active: false, removed };
  });
}

function requireScenario(name: string) {
  const scenario = findScenario(name);
  if (!scenario) throw new AdminError(404, `No scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return scenario;
}
