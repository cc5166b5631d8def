// Fault rules and authorization overrides: list, add (one or an array), remove one, clear all.
// The JSON format and what each action does are in src/faults/schema.ts and docs/faults.md.
import { z } from 'zod';
import { FaultConflict, type FaultRule, FaultRuleInput, type FaultSpec, parseFaultRule } from '../faults/engine.js';
import { describeIssues, type Issue } from '../ocpi/transport/errors.js';
import { AdminError, adminBody } from './http.js';
import { type AdminRouter, created } from './router.js';

export function registerFaultAdmin(admin: AdminRouter): void {
  admin.get('/faults', 'Fault rules and authorization overrides, in matching order, with their counters', ({ deps }) => ({
    items: deps.faults.list(),
  }));

  admin.post(
    '/faults',
    'Add a fault rule (or an array of rules, all or nothing): 201 with the rule(s) and id(s)',
    async ({ c, deps }) => {
      const body = await adminBody(c, z.unknown());
      const inputs = Array.isArray(body) ? body : [body];
      const specs: FaultSpec[] = [];
      const issues: Issue[] = [];
      inputs.forEach((input, i) => {
        const parsed = parseFaultRule(input, Array.isArray(body) ? `[${i}]` : '');
        if (parsed.ok) specs.push(parsed.spec);
        else issues.push(...parsed.issues);
      });
      if (issues.length > 0) throw new AdminError(400, `Invalid fault rule: ${describeIssues(issues)}`, issues);
      if (specs.length === 0) throw new AdminError(400, 'No fault rule given');
      let added: FaultRule[];
      try {
        added = deps.faults.addAll(specs);
      } catch (err) {
        if (err instanceof FaultConflict) throw new AdminError(409, err.message);
        throw err;
      }
      const views = added.map((r) => deps.faults.get(r.id));
      return created(Array.isArray(body) ? { items: views } : views[0]);
    },
    z.union([FaultRuleInput, z.array(FaultRuleInput)]),
  );

  admin.get('/faults/:id', 'One fault rule with its counters', ({ deps, params }) => {
    const rule = deps.faults.get(params.id as string);
    if (!rule) throw new AdminError(404, `No fault rule ${params.id}`);
    return rule;
  });

  admin.delete('/faults/:id', 'Remove one fault rule', ({ deps, params }) => {
    if (!deps.faults.remove(params.id as string)) throw new AdminError(404, `No fault rule ${params.id}`);
    return { deleted: params.id };
  });

  admin.delete('/faults', 'Remove every fault rule, override and scenario', ({ deps }) => ({ cleared: deps.faults.clear() }));
}
