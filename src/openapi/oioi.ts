// The OIOI front door in the OpenAPI document. OIOI has one path per version and names the call
// in the body's single top-level key, so each path gets one operation whose body is one of the
// calls a CPO sends us, built from the schemas the OIOI handlers validate with.
import { z } from 'zod';
import { OIOI_VERSIONS } from '../oioi/protocol.js';
import { ConnectorPostStatus, RfidVerify, SessionPost, StationPost } from '../oioi/schema.js';
import { oioiPath } from '../oioi/transport.js';

const CALLS: Record<string, z.ZodType> = {
  'station-post': StationPost,
  'connector-post-status': ConnectorPostStatus,
  'rfid-verify': RfidVerify,
  'session-post': SessionPost,
};

/** One request body per call: `{ "<call>": { ... } }`. */
export const OioiRequest = z.union(
  Object.entries(CALLS).map(([call, schema]) => z.object({ [call]: schema })) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]],
);

export interface OioiOperation {
  path: string;
  method: 'POST';
  body: z.ZodType;
  summary: string;
  description: string;
}

export function oioiOperations(): OioiOperation[] {
  return OIOI_VERSIONS.map((version) => ({
    path: oioiPath(version),
    method: 'POST',
    body: OioiRequest,
    summary: `OIOI ${version} request: ${Object.keys(CALLS).join(', ')}`,
    description:
      version === 'v3'
        ? 'Authorization: key=<API key> (POST /admin/oioi/keys). v3 reports outcomes with HTTP statuses and a success flag inside the call key.'
        : 'Authorization: key=<API key> (POST /admin/oioi/keys). v4 answers HTTP 200 with result.code for every handled call.',
  }));
}
