import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi';
import { FakeSource, logisticModel, startTestServer, type TestServer } from './test-support';

type Json = Record<string, unknown>;

const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const KEYWORDS = new Set([
  ...[
    '$ref',
    '$schema',
    '$id',
    '$defs',
    '$comment',
    'title',
    'description',
    'default',
    'examples',
    'example',
  ],
  ...['deprecated', 'readOnly', 'writeOnly', 'type', 'enum', 'const', 'format'],
  ...['properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames'],
  ...['minProperties', 'maxProperties', 'items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems'],
  ...['anyOf', 'oneOf', 'allOf', 'not', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  ...['multipleOf', 'minLength', 'maxLength', 'pattern'],
]);
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SCHEMA_ONE = ['items', 'additionalProperties', 'not', 'propertyNames'];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];

/** A focused JSON Schema 2020-12 check: known keywords, well-formed values, resolvable $refs. */
function schemaProblems(schema: unknown, at: string, doc: Json): string[] {
  if (typeof schema === 'boolean') return [];
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [`${at}: not a schema`];
  const s = schema as Json;
  const out: string[] = [];
  for (const k of Object.keys(s)) if (!KEYWORDS.has(k)) out.push(`${at}: unknown keyword "${k}"`);
  if ('$ref' in s) {
    const ref = s.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) out.push(`${at}: bad $ref`);
    else {
      let node: unknown = doc;
      for (const part of ref.slice(2).split('/')) node = (node as Json | undefined)?.[part];
      if (node === undefined) out.push(`${at}: unresolved $ref ${ref}`);
    }
  }
  if ('type' in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.length === 0 || !types.every((t) => typeof t === 'string' && TYPES.has(t)))
      out.push(`${at}: bad type`);
  }
  if ('required' in s) {
    const req = s.required;
    if (!Array.isArray(req) || !req.every((r) => typeof r === 'string') || new Set(req).size !== req.length) {
      out.push(`${at}: bad required`);
    } else if (s.properties && typeof s.properties === 'object') {
      for (const r of req)
        if (!(r in (s.properties as Json))) out.push(`${at}: required "${r}" is not a property`);
    }
  }
  if ('enum' in s && (!Array.isArray(s.enum) || s.enum.length === 0)) out.push(`${at}: bad enum`);
  for (const k of NUMBERS) if (k in s && typeof s[k] !== 'number') out.push(`${at}: ${k} is not a number`);
  for (const k of COUNTS) {
    if (k in s && !(Number.isInteger(s[k]) && (s[k] as number) >= 0)) out.push(`${at}: ${k} is not a count`);
  }
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number' && s.minimum > s.maximum) {
    out.push(`${at}: minimum > maximum`);
  }
  if ('pattern' in s) {
    try {
      new RegExp(String(s.pattern), 'u');
    } catch {
      out.push(`${at}: pattern does not compile`);
    }
  }
  for (const k of SCHEMA_MAPS) {
    if (!(k in s)) continue;
    const m = s[k];
    if (typeof m !== 'object' || m === null || Array.isArray(m)) out.push(`${at}.${k}: not an object`);
    else
      for (const [name, sub] of Object.entries(m))
        out.push(...schemaProblems(sub, `${at}.${k}.${name}`, doc));
  }
  for (const k of SCHEMA_LISTS) {
    if (!(k in s)) continue;
    const list = s[k];
    if (!Array.isArray(list) || list.length === 0) out.push(`${at}.${k}: not a non-empty list`);
    else list.forEach((sub, i) => out.push(...schemaProblems(sub, `${at}.${k}[${i}]`, doc)));
  }
  for (const k of SCHEMA_ONE) if (k in s) out.push(...schemaProblems(s[k], `${at}.${k}`, doc));
  return out;
}

const EXPECTED_PATHS = [
  '/score',
  '/invocations',
  '/health',
  '/ready',
  '/model',
  '/metrics',
  '/openapi.json',
  '/docs',
];
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace']);

function documentProblems(doc: Json): string[] {
  const out: string[] = [];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) out.push('openapi is not 3.1.x');
  const info = doc.info as Json | undefined;
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string')
    out.push('info.title/version missing');
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const components = ((doc.components as Json)?.schemas ?? {}) as Json;
  for (const [name, schema] of Object.entries(components))
    out.push(...schemaProblems(schema, `components.${name}`, doc));
  const operationIds = new Set<string>();
  for (const [p, item] of Object.entries(paths)) {
    if (!p.startsWith('/')) out.push(`${p}: path must start with /`);
    for (const [method, op] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${p}`;
      if (!METHODS.has(method)) out.push(`${at}: unknown method`);
      const id = op.operationId as string;
      if (operationIds.has(id)) out.push(`${at}: duplicate operationId`);
      operationIds.add(id);
      const responses = (op.responses ?? {}) as Record<string, Json>;
      if (!Object.keys(responses).some((c) => /^2\d\d$/.test(c))) out.push(`${at}: no 2xx response`);
      const bodies: [string, Json][] = Object.entries(responses).map(([c, r]) => [`${at} ${c}`, r]);
      if (op.requestBody) bodies.push([`${at} request`, op.requestBody as Json]);
      for (const [where, r] of bodies) {
        if (!where.endsWith('request') && typeof r.description !== 'string')
          out.push(`${where}: no description`);
        for (const [type, media] of Object.entries((r.content ?? {}) as Record<string, Json>)) {
          if (!('schema' in media)) out.push(`${where} ${type}: no schema`);
          else out.push(...schemaProblems(media.schema, `${where} ${type}`, doc));
        }
      }
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ source: new FakeSource(logisticModel({ version: 1, slope: 1 })) });
  });
  afterAll(() => srv.close());

  it('is OpenAPI 3.1 with every path, and every schema is well-formed JSON Schema', async () => {
    const res = await fetch(`${srv.url}/openapi.json`);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = (await res.json()) as Json;
    expect(Object.keys(doc.paths as Json).sort()).toEqual([...EXPECTED_PATHS].sort());
    expect(documentProblems(doc)).toEqual([]);
    const comps = (doc.components as { schemas: Record<string, Json> }).schemas;
    expect(Object.keys(comps)).toEqual(
      expect.arrayContaining(['ScoreRequest', 'ScoreResponse', 'ErrorResponse', 'ModelInfo']),
    );
    // the request shape says what /score accepts: a batch or one record
    expect(JSON.stringify(comps.ScoreRequest)).toContain('"records"');
  });

  it('the checker catches broken documents', () => {
    const doc = buildOpenApiDocument() as Json;
    const broken = structuredClone(doc) as {
      openapi: string;
      components: { schemas: Record<string, Json> };
      paths: Record<string, Record<string, Json>>;
    };
    broken.openapi = '3.0.3';
    broken.components.schemas.Prediction.nullable = true; // a 3.0-ism
    (broken.components.schemas.ModelIdentity.required as string[]).push('nope');
    broken.paths['/health'].get.responses = { '500': { description: 'x' } };
    (broken.paths['/score'].post.requestBody as Json).content = {
      'application/json': { schema: { $ref: '#/components/schemas/Missing' } },
    };
    const problems = documentProblems(broken as unknown as Json);
    expect(problems).toEqual(
      expect.arrayContaining([
        'openapi is not 3.1.x',
        'components.Prediction: unknown keyword "nullable"',
        'components.ModelIdentity: required "nope" is not a property',
        'GET /health: no 2xx response',
        'POST /score request application/json: unresolved $ref #/components/schemas/Missing',
      ]),
    );
  });

  it('every documented path is served', async () => {
    for (const p of EXPECTED_PATHS) {
      const method = p === '/score' || p === '/invocations' ? 'POST' : 'GET';
      const res = await fetch(`${srv.url}${p}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body:
          p === '/score' ? '{"x": 1}' : p === '/invocations' ? '{"inputs": [[1, null, null]]}' : undefined,
      });
      expect(res.status, p).toBeLessThan(300);
    }
  });
});
