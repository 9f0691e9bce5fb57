// @portcullis/core/openapi: the one entry that imports zod when it is imported, since the
// document is built synchronously from the routes' zod schemas (docs/performance.md#import-cost).
import { z } from 'zod';
import type { SecurityScheme } from './auth/transport';
import type { MountedRoute } from './http/handler';
import type { ErrorExample, ResponseDoc } from './http/route';
import type { LazySchema } from './internal/lazy-schema';

/** Defaults: title `Portcullis`, version `0.1.0` (FastAPI's default). */
export type OpenApiInfo = { title?: string; version?: string; description?: string };

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [keyword: string]: unknown };

/** The part of an authentication backend the document needs: its security scheme. */
export type OpenApiBackend = {
  readonly transport: { readonly securityScheme: { name: string; scheme: SecurityScheme } };
};

export type OpenApiMediaType = {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, ErrorExample>;
};
export type OpenApiResponse = { description: string; content?: Record<string, OpenApiMediaType> };
type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema };
type RequestBody = { content: Record<string, { schema: JsonSchema }>; required?: true };

export type OpenApiOperation = {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: RequestBody;
  responses: Record<string, OpenApiResponse>;
};

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes?: Record<string, SecurityScheme>;
  };
};

const REF = '#/components/schemas/';
const DEFS = '#/$defs/';
const string = { type: 'string' };

// FastAPI Users' own models (see docs/contract/routes.md#openapi) and FastAPI's 422 models (see docs/contract/routes.md#validation-errors), as Pydantic v2
// renders them.
const STATIC: Record<string, JsonSchema> = {
  ErrorModel: {
    type: 'object',
    properties: { detail: { anyOf: [string, { type: 'object', additionalProperties: string }] } },
    required: ['detail'],
  },
  BearerResponse: {
    type: 'object',
    properties: { access_token: string, token_type: string },
    required: ['access_token', 'token_type'],
  },
  HTTPValidationError: {
    type: 'object',
    properties: { detail: { type: 'array', items: { $ref: `${REF}ValidationError` } } },
  },
  ValidationError: {
    type: 'object',
    properties: {
      loc: { type: 'array', items: { anyOf: [string, { type: 'integer' }] }, title: 'Location' },
      msg: { ...string, title: 'Message' },
      type: { ...string, title: 'Error Type' },
      input: { title: 'Input' },
      ctx: { type: 'object', title: 'Context' },
    },
    required: ['loc', 'msg', 'type'],
  },
};

/** A made-up token (payload `{sub, aud: ["portcullis:auth"], exp}`) for the login example. */
const BEARER_EXAMPLE = {
  access_token:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0ZjljMmQxZS03YjNhLTRjNWQtOWU4Zi0wYTFiMmMzZDRlNWYiLCJhdWQiOlsicG9ydGN1bGxpczphdXRoIl0sImV4cCI6MTc2NzIyNTYwMH0.q3vZ8mKx1pLw9TnR4sYbH6cJ2dFgA7eU0iOkV5lNtMo',
  token_type: 'bearer',
};

/**
 * FastAPI's summary, `name.replace("_", " ").title()` (`reset:forgot_password` → `Reset:Forgot
 * Password`), also Pydantic's field title (`first_name` → `First Name`). Python's `title()`
 * capitalises each run of letters: anything else (`:`, `.`, `-`, digits) starts a new word.
 */
function titleOf(name: string): string {
  const words = /(\p{L})(\p{L}*)/gu;
  return name
    .replace(/_/g, ' ')
    .replace(words, (_, head: string, tail: string) => head.toUpperCase() + tail.toLowerCase());
}

/** FastAPI's `generate_unique_id`: name + path, non-word characters → `_`, then `_<method>`. */
function operationIdOf(route: MountedRoute): string {
  const base = `${route.name}${route.fullPath}`.replace(/[^0-9a-zA-Z_]/g, '_');
  return `${base}_${route.method.toLowerCase()}`;
}

/** Deep copy of a JSON value with every `$ref` string passed through `rewrite`. */
function mapRefs<T>(node: T, rewrite: (ref: string) => string): T {
  if (Array.isArray(node)) return node.map((item) => mapRefs(item, rewrite)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    const ref = key === '$ref' && typeof value === 'string';
    out[key] = ref ? rewrite(value) : mapRefs(value, rewrite);
  }
  return out as T;
}

/** Titles on a component and its fields, as Pydantic writes them (Swagger UI shows them). */
function withTitles(name: string, schema: JsonSchema): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  // Pydantic puts no title next to a `$ref`, and a title from `meta()` wins.
  const titled = Object.entries(properties ?? {}).map(([field, property]) => {
    const keep = typeof property !== 'object' || '$ref' in property || 'title' in property;
    return [field, keep ? property : { ...property, title: titleOf(field) }];
  });
  const fields = properties ? { properties: Object.fromEntries(titled) } : {};
  return { ...schema, ...fields, title: schema.title ?? name };
}

/**
 * Builds the OpenAPI 3.1 document of the mounted routes the way FastAPI renders FastAPI Users'
 * routers (see docs/contract/routes.md#openapi): summaries and operation ids from route names, the documented responses
 * plus 422 for routes taking input (JS objects list integer keys ascending, so status codes come
 * out sorted), `Body_<operationId>` components for form and embedded bodies, every backend's
 * scheme on protected routes. All from the route table and zod schemas, none hand-written.
 *
 * @example
 * ```ts
 * import { buildOpenApi } from '@portcullis/core/openapi';
 *
 * const handler = portcullis.handler(mounts);
 * const document = buildOpenApi(handler.routes, portcullis.backends, { title: 'My app' });
 * app.get('/openapi.json', () => document);
 * ```
 */
export function buildOpenApi(
  routes: readonly MountedRoute[],
  backends: readonly OpenApiBackend[],
  { title = 'Portcullis', version = '0.1.0', description }: OpenApiInfo = {},
): OpenApiDocument {
  // zod puts nested `meta({ id })` schemas in `$defs`, kept per direction (refs read `@input/X`
  // until names are final): one schema can differ as input and output (defaults, transforms).
  const defs = { input: new Map<string, JsonSchema>(), output: new Map<string, JsonSchema>() };
  type Io = keyof typeof defs;
  const named = new Map<string, JsonSchema>();
  const use = (name: string): JsonSchema => {
    named.set(name, STATIC[name] as JsonSchema);
    return { $ref: REF + name };
  };

  const convert = (schema: LazySchema, io: Io, rename?: string): JsonSchema => {
    const options = { target: 'draft-2020-12', io, unrepresentable: 'any' } as const;
    const json = z.toJSONSchema(schema.with(z), options) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    const found = { ...($defs as Record<string, JsonSchema> | undefined) };
    // FastAPI names inline bodies `Body_<operationId>`, whatever id the schema carries (a schema
    // with an id comes back as a bare `$ref` to its own `$defs` entry).
    const bare = Object.keys(rest).length === 1 ? String(rest.$ref).slice(DEFS.length) : '';
    const own = rename && Object.hasOwn(found, bare) ? bare : undefined;
    const root = own === undefined ? rest : (found[own] as JsonSchema);
    if (own !== undefined) delete found[own];
    const mark = (node: JsonSchema): JsonSchema =>
      mapRefs(node, (ref) => {
        if (!ref.startsWith(DEFS)) return ref;
        const name = ref.slice(DEFS.length);
        return name === own ? REF + rename : `@${io}/${name}`;
      });
    for (const [name, def] of Object.entries(found)) {
      if (!defs[io].has(name)) defs[io].set(name, mark(def));
    }
    if (!rename) return mark(root);
    named.set(rename, mark(root));
    return { $ref: REF + rename };
  };

  const response = (doc: ResponseDoc, first: boolean): OpenApiResponse => {
    const description = doc.description || 'Successful Response';
    let schema: JsonSchema | undefined;
    if (doc.schema === 'ErrorModel' || doc.schema === 'BearerResponse') schema = use(doc.schema);
    else if (doc.schema === 'null') schema = { type: 'null' };
    else if (doc.schema) schema = convert(doc.schema, 'output');
    // The route's own status gets an empty schema when it allows a body (FastAPI's
    // `is_body_allowed_for_status_code`); other model-less responses only a description.
    else if ((first && doc.status >= 200 && ![204, 304].includes(doc.status)) || doc.examples) {
      schema = {};
    }
    if (!schema) return { description };
    const example = doc.schema === 'BearerResponse' ? { example: BEARER_EXAMPLE } : {};
    const media = { schema, ...example, ...(doc.examples ? { examples: doc.examples } : {}) };
    return { description, content: { 'application/json': media } };
  };

  // By name in first-seen order, the last definition winning (FastAPI's dict); listed only
  // when some operation uses them.
  const schemes = new Map(
    backends.map(({ transport: { securityScheme: s } }) => [s.name, s.scheme]),
  );
  const secured = schemes.size > 0 && routes.some((route) => route.doc.secured);

  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const method = route.method.toLowerCase();
    const item = paths[route.fullPath] ?? {};
    paths[route.fullPath] = item;
    if (item[method]) continue; // the handler answers with the first route too
    const { doc } = route;
    const operationId = operationIdOf(route);
    const parameters: Parameter[] = [];
    for (const [, name = ''] of route.fullPath.matchAll(/\{([^}]+)\}/g)) {
      // Path ids are plain strings (docs/contract/routes.md#users-router: an unparsable id is a 404, never a 422).
      const schema = { type: 'string', title: titleOf(name) };
      parameters.push({ name, in: 'path', required: true, schema });
    }
    for (const query of doc.query ?? []) {
      const schema = { ...convert(query.schema, 'input'), title: titleOf(query.name) };
      parameters.push({ name: query.name, in: 'query', required: query.required ?? false, schema });
    }
    let requestBody: RequestBody | undefined;
    if (doc.body) {
      const { kind, schema, embedded, required } = doc.body;
      const inline = kind === 'form' || embedded === true;
      const type = kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      const body = convert(schema, 'input', inline ? `Body_${operationId}` : undefined);
      const flag = required === false ? {} : { required: true as const };
      requestBody = { content: { [type]: { schema: body } }, ...flag };
    }
    const responses: Record<string, OpenApiResponse> = {};
    for (const [index, entry] of doc.responses.entries()) {
      responses[String(entry.status)] ??= response(entry, index === 0);
    }
    // FastAPI appends 422 to any route with parameters or a body (see docs/contract/routes.md#openapi).
    const takesInput = requestBody !== undefined || parameters.length > 0;
    if (takesInput && !['422', '4XX', 'default'].some((code) => code in responses)) {
      const content = { 'application/json': { schema: use('HTTPValidationError') } };
      use('ValidationError');
      responses['422'] = { description: 'Validation Error', content };
    }
    const security = secured && doc.secured === true;
    // Keys in FastAPI's order; FastAPI Users' docs tag the users router `users`, others `auth`.
    item[method] = {
      tags: [
        route.name.startsWith('users:') || route.name.startsWith('sessions:') ? 'users' : 'auth',
      ],
      summary: titleOf(route.name),
      ...(doc.description ? { description: doc.description } : {}),
      operationId,
      ...(security ? { security: [...schemes.keys()].map((name) => ({ [name]: [] })) } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }

  // A nested schema that reads differently as input and output becomes `X-Input` / `X-Output`
  // (FastAPI's naming), and so does any schema pointing at one.
  const split = new Set<string>();
  const plain = (schema: JsonSchema): string =>
    JSON.stringify(schema).replace(/"@(input|output)\//g, '"@');
  for (let size = -1; size !== split.size; ) {
    size = split.size;
    for (const [name, input] of defs.input) {
      const output = defs.output.get(name);
      const text = output ? plain(input) : '';
      const refersToSplit = [...split].some((other) => text.includes(`"@${other}"`));
      if (output && (text !== plain(output) || refersToSplit)) split.add(name);
    }
  }
  const finalName = (name: string, io: Io): string =>
    split.has(name) ? `${name}-${io === 'input' ? 'Input' : 'Output'}` : name;
  const resolve = (ref: string): string => {
    const found = /^@(input|output)\/(.+)$/.exec(ref);
    return found ? REF + finalName(found[2] as string, found[1] as Io) : ref;
  };

  const collected: Record<string, JsonSchema> = {};
  for (const io of ['output', 'input'] as const) {
    for (const [name, schema] of defs[io]) collected[finalName(name, io)] ??= schema;
  }
  for (const [name, schema] of named) collected[name] = schema;
  const schemas: Record<string, JsonSchema> = {};
  for (const name of Object.keys(collected).sort()) {
    schemas[name] = withTitles(name, mapRefs(collected[name] as JsonSchema, resolve));
  }

  return {
    openapi: '3.1.0',
    info: { title, version, ...(description ? { description } : {}) },
    paths: mapRefs(paths, resolve),
    components: {
      schemas,
      ...(secured ? { securitySchemes: mapRefs(Object.fromEntries(schemes), resolve) } : {}),
    },
  };
}
