// FromEMP credentials, driven by hand: register with a CPO, update (rotate), unregister.
// Also the read side of registered parties (never their tokens in clear).
import { z } from 'zod';
import { registerWithCpo, unregisterAtCpo, updateAtCpo } from '../ocpi/credentials/register.js';
import { publicParty } from '../ocpi/parties.js';
import { AdminError, adminBody } from './http.js';
import { type AdminRouter, created } from './router.js';

const Registration = z.object({
  versions_url: z.string().url('must be the URL of the CPO versions endpoint'),
  token: z.string().regex(/^[\x21-\x7E]{1,64}$/, 'must be 1-64 printable ASCII characters (the CPO token A)'),
});

export function registerPartyAdmin(admin: AdminRouter): void {
  admin.get('/parties', 'Registered CPOs with their endpoints (tokens are never shown)', ({ deps }) => ({
    items: deps.parties.list().map(publicParty),
  }));
  admin.get('/parties/:key', 'One registered CPO (key `CC*PID`)', ({ deps, params }) => {
    const party = deps.parties.get(params.key as string);
    if (!party) throw new AdminError(404, `No registered party ${params.key}`);
    return publicParty(party);
  });
  admin.post('/registrations', 'Register with a CPO (FromEMP POST credentials) given its versions URL and token A', async ({ c, deps }) => {
    const input = await adminBody(c, Registration);
    return created(publicParty(await registerWithCpo(deps, input)));
  }, Registration);
  admin.put('/registrations/:key', 'Update our credentials at a registered CPO (FromEMP PUT), rotating tokens', async ({ deps, params }) =>
    publicParty(await updateAtCpo(deps, params.key as string)),
  );
  admin.delete('/registrations/:key', 'Unregister at a CPO (FromEMP DELETE credentials)', async ({ deps, params }) => {
    await unregisterAtCpo(deps, params.key as string);
    return { deleted: params.key };
  });
  admin.delete('/parties/:key', 'Forget a registered party here without calling it', async ({ deps, params }) => {
    if (!deps.parties.get(params.key as string)) throw new AdminError(404, `No registered party ${params.key}`);
    await deps.parties.remove(params.key as string);
    return { deleted: params.key };
  });
}
