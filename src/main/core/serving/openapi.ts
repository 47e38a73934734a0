/** The OpenAPI 3.1 document of the scoring server, generated from the zod schemas in schemas.ts. */
import { z } from 'zod';
import { namedSchemas } from './schemas';

type Json = Record<string, unknown>;
type SchemaName = keyof typeof namedSchemas;

const ref = (name: SchemaName): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName): Json => ({ 'application/json': { schema: ref(name) } });

function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(namedSchemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  for (const s of Object.values(out.schemas)) {
    delete s.$schema; // the document's jsonSchemaDialect says it once
    delete s.$id;
  }
  return out.schemas;
}

function errors(...codes: number[]): Record<string, Json> {
  const text: Record<number, string> = {
    400: 'Bad request: invalid JSON, wrong shape, a bad record (names index and field) or an empty batch',
    413: 'Body over the size limit or batch over serving.max_batch',
    415: 'Unsupported content type or encoding',
    503: 'No champion model yet (the message says how to train and promote one)',
  };
  return Object.fromEntries(
    codes.map((c) => [String(c), { description: text[c], content: json('ErrorResponse') }]),
  );
}

const versionHeader = {
  'X-Model-Version': {
    description: 'Version of the model that scored the request',
    schema: { type: 'integer' },
  },
  'X-Batch-Size': { description: 'Number of records scored', schema: { type: 'integer' } },
};

export function buildOpenApiDocument(
  options: { title?: string; version?: string; modelName?: string } = {},
): Json {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: options.title ?? 'ml-sys scoring server',
      version: options.version ?? '1',
      description:
        `Serves the champion model${options.modelName ? ` of "${options.modelName}"` : ''} from the registry; ` +
        'every reply names the model version that scored it.',
    },
    paths: {
      '/score': {
        post: {
          operationId: 'score',
          summary: 'Score a batch of raw records (or one record) with the champion',
          requestBody: { required: true, content: json('ScoreRequest') },
          responses: {
            '200': {
              description: 'Predictions, in request order',
              headers: versionHeader,
              content: json('ScoreResponse'),
            },
            ...errors(400, 413, 415, 503),
          },
        },
      },
      '/invocations': {
        post: {
          operationId: 'invocations',
          summary:
            'MLflow scoring protocol (dataframe_split, dataframe_records, instances, inputs, text/csv)',
          requestBody: {
            required: true,
            content: {
              ...json('InvocationsRequest'),
              'text/csv': { schema: { type: 'string', description: 'CSV with a header row' } },
            },
          },
          responses: {
            '200': {
              description: 'Predictions, in request order',
              headers: versionHeader,
              content: json('InvocationsResponse'),
            },
            ...errors(400, 413, 415, 503),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness, the loaded model and the latest load error',
          responses: { '200': { description: 'The server is alive', content: json('Health') } },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: 200 once a champion is loaded, else 503',
          responses: {
            '200': { description: 'Ready to score', content: json('Ready') },
            '503': { description: 'No model loaded', content: json('Ready') },
          },
        },
      },
      '/model': {
        get: {
          operationId: 'model',
          summary: 'Champion metadata: version, metrics, signature, config hash, trained at',
          responses: {
            '200': { description: 'The served model', content: json('ModelInfo') },
            ...errors(503),
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (text exposition format)',
          responses: {
            '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: {
            '200': {
              description: 'OpenAPI 3.1',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/docs': {
        get: {
          operationId: 'docs',
          summary: 'Swagger UI for this document (served from local files)',
          responses: {
            '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
      },
    },
    components: { schemas: componentSchemas() },
  };
}
