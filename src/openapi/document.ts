// The OpenAPI 3.1 document of every OCPI and admin route, built from the routers' metadata and
// the same zod schemas the server validates with (zod's own JSON Schema 2020-12 output, which
// is OpenAPI 3.1's dialect). Request bodies and query strings are described as they are
// accepted (io: input), answers as they are written (io: output). Types JSON Schema cannot
// express (transforms, dates) come out as `{}` (any) rather than failing the document.
import { z } from 'zod';
import type { AdminRoute, AdminRouter } from '../admin/router.js';
import { ADMIN_BASE } from '../admin/router.js';
import { OCPI_BASE, type OcpiRoute, type OcpiRouter, type UnsupportedRoute } from '../ocpi/transport/router.js';
import { type OioiOperation, oioiOperations } from './oioi.js';

type Json = Record<string, unknown>;

export interface OpenApiSources {
  ocpi: OcpiRouter;
  admin: AdminRouter;
  version?: string;
}

const JSON_TYPE = 'application/json';

/** Converts zod schemas; nested `$defs` (cycles, ids) are moved to components.schemas. */
class SchemaConverter {
  readonly components: Json = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
    delete out.$schema;
    const defs = out.$defs as Record<string, Json> | undefined;
    if (!defs) return out;
    delete out.$defs;
    const renamed = new Map<string, string>();
    for (const name of Object.keys(defs)) {
      let target = name.replace(/[^A-Za-z0-9._-]/g, '_');
      for (let n = 2; this.components[target] !== undefined; n++) target = `${name}_${n}`;
      this.components[target] = {};
      renamed.set(name, target);
    }
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (typeof v !== 'object' || v === null) return v;
      const o: Json = {};
      for (const [k, x] of Object.entries(v)) {
        o[k] =
          k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')
            ? `#/components/schemas/${renamed.get(x.slice(8)) ?? x.slice(8)}`
            : rewrite(x);
      }
      return o;
    };
    for (const [name, def] of Object.entries(defs)) this.components[renamed.get(name) as string] = rewrite(def);
    return rewrite(out) as Json;
  }
}

/** Hono `/a/:id{[0-9]+}/b` -> OpenAPI `/a/{id}/b`, with the parameter names. */
export function toOpenApiPath(honoPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = honoPath
    .split('/')
    .map((seg) => {
      const m = /^:([A-Za-z0-9_]+)(?:\{.*\})?\??$/.exec(seg);
      if (!m) return seg;
      params.push(m[1] as string);
      return `{${m[1]}}`;
    })
    .join('/');
  return { path, params };
}

function queryParameters(conv: SchemaConverter, query: z.ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = conv.convert(query, 'input');
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const pathParameters = (names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));

const jsonContent = (schema: Json) => ({ [JSON_TYPE]: { schema } });

function envelope(data: Json | undefined): Json {
  return {
    type: 'object',
    required: ['status_code', 'timestamp'],
    properties: {
      data: data ?? {},
      status_code: { type: 'integer', description: '1xxx success, 2xxx client error, 3xxx server error' },
      status_message: { type: 'string' },
      timestamp: { type: 'string', description: 'OCPI DateTime (UTC)' },
    },
  };
}

const OCPI_ERRORS = {
  '401': {
    description: 'Missing, malformed or unknown `Authorization: Token`',
    content: jsonContent({ $ref: '#/components/schemas/OcpiErrorEnvelope' }),
  },
  default: {
    description: 'OCPI error in the envelope (2xxx/3xxx); HTTP 400, 404, 405, 413, 415 for transport errors',
    content: jsonContent({ $ref: '#/components/schemas/OcpiErrorEnvelope' }),
  },
};

function ocpiOperation(conv: SchemaConverter, route: OcpiRoute, params: string[]): Json {
  return {
    tags: [`OCPI ${route.module}`],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    operationId: operationId('ocpi', route.method, route.path),
    security: [{ ocpiToken: [] }],
    parameters: [...pathParameters(params), ...queryParameters(conv, route.query)],
    ...(route.requestBody ? { requestBody: { required: true, content: jsonContent(conv.convert(route.requestBody, 'input')) } } : {}),
    responses: {
      '200': {
        description: route.auth === 'any' ? 'Success (token A or a party token)' : 'Success (a registered party token)',
        content: jsonContent(envelope(route.response ? conv.convert(route.response, 'output') : undefined)),
      },
      ...OCPI_ERRORS,
    },
  };
}

function refusedOperation(route: UnsupportedRoute, params: string[]): Json {
  return {
    tags: [`OCPI ${route.module}`],
    summary: `Not supported by Plugsurfing: ${route.reason}`,
    operationId: operationId('ocpi', route.method, route.path),
    security: [{ ocpiToken: [] }],
    parameters: pathParameters(params),
    responses: { '405': { description: route.reason, content: jsonContent({ $ref: '#/components/schemas/OcpiErrorEnvelope' }) } },
  };
}

function adminOperation(conv: SchemaConverter, route: AdminRoute, params: string[]): Json {
  const stream = route.path === '/events';
  const ok = stream
    ? {
        description: 'Server-Sent Events: `event: journal|finding|change`, `data: <JSON>`',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      }
    : { description: route.method === 'POST' ? 'Done (201 when something was created)' : 'Done', content: jsonContent({}) };
  return {
    tags: ['Admin'],
    summary: route.summary,
    operationId: operationId('admin', route.method, route.path),
    // Bearer only when ADMIN_TOKEN is set; `{}` says the call may also carry no credentials.
    security: [{ adminBearer: [] }, {}],
    parameters: [...pathParameters(params), ...queryParameters(conv, route.query)],
    ...(route.requestBody ? { requestBody: { required: false, content: jsonContent(conv.convert(route.requestBody, 'input')) } } : {}),
    responses: {
      [route.method === 'POST' ? '2XX' : '200']: ok,
      '400': {
        description: 'Invalid body or query: issues name each JSON path',
        content: jsonContent({ $ref: '#/components/schemas/AdminError' }),
      },
      '401': {
        description: 'ADMIN_TOKEN is set and the Bearer token is missing or wrong',
        content: jsonContent({ $ref: '#/components/schemas/AdminError' }),
      },
      default: { description: 'Error', content: jsonContent({ $ref: '#/components/schemas/AdminError' }) },
    },
  };
}

function oioiOperation(conv: SchemaConverter, op: OioiOperation): Json {
  return {
    tags: ['OIOI'],
    summary: op.summary,
    description: op.description,
    operationId: operationId('oioi', op.method, op.path),
    security: [{ oioiKey: [] }],
    requestBody: { required: true, content: jsonContent(conv.convert(op.body, 'input')) },
    responses: { default: { description: "The call's answer (see the OIOI docs)", content: jsonContent({}) } },
  };
}

function operationId(prefix: string, method: string, path: string): string {
  const slug = path
    .replace(/[{}:]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `${prefix}_${method.toLowerCase()}_${slug || 'root'}`;
}

export function buildOpenApiDocument(src: OpenApiSources): Json {
  const conv = new SchemaConverter();
  const paths: Record<string, Record<string, Json>> = {};
  const add = (fullPath: string, method: string, op: (params: string[]) => Json) => {
    const { path, params } = toOpenApiPath(fullPath);
    paths[path] ??= {};
    (paths[path] as Record<string, Json>)[method.toLowerCase()] = op(params);
  };
  for (const r of src.ocpi.routes) add(OCPI_BASE + r.path, r.method, (p) => ocpiOperation(conv, r, p));
  for (const r of src.ocpi.unsupported) add(OCPI_BASE + r.path, r.method, (p) => refusedOperation(r, p));
  for (const op of oioiOperations()) add(op.path, op.method, () => oioiOperation(conv, op));
  for (const r of src.admin.routes) add(ADMIN_BASE + r.path, r.method, (p) => adminOperation(conv, r, p));
  add('/health', 'GET', () => ({
    tags: ['Meta'],
    summary: 'Liveness',
    description:
      '`{"status":"ok","store":"file"|"memory","parsing":boolean,"compacting":boolean}`: the server answers as soon as it listens; `parsing` is true while the file store is still parsing the snapshot it loaded (each value is parsed when first read meanwhile), `compacting` while it writes a new snapshot (requests and writes go on meanwhile).',
    operationId: 'health',
    responses: { '200': { description: 'ok', content: jsonContent({}) } },
  }));
  add('/openapi.json', 'GET', () => ({
    tags: ['Meta'],
    summary: 'This document',
    operationId: 'openapi',
    responses: { '200': { description: 'OpenAPI 3.1', content: jsonContent({}) } },
  }));

  return {
    openapi: '3.1.0',
    info: {
      title: 'plugsurfing-emp-sim',
      version: src.version ?? '0.0.0',
      description:
        "Plugsurfing's eMSP side of OCPI 2.1.1-d2 for CPOs to test against (OCPI routes under /ocpi), OIOI (/api), and the simulator's admin API (/admin).",
    },
    paths,
    components: {
      securitySchemes: {
        ocpiToken: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'OCPI: `Token <token>` (token A for versions and registration, then token C)',
        },
        oioiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'OIOI: `key=<API key>`' },
        adminBearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Admin API: `Bearer <ADMIN_TOKEN>`, required only when ADMIN_TOKEN is set',
        },
      },
      schemas: {
        OcpiErrorEnvelope: envelope({ description: 'e.g. { issues: [{ path, message }] } for 2001' }),
        AdminError: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['status', 'message'],
              properties: {
                status: { type: 'integer' },
                message: { type: 'string' },
                issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
        ...conv.components,
      },
    },
  };
}
