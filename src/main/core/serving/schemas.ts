/**
 * The scoring API's request and reply shapes. They validate the MLflow envelopes at run time, type the
 * replies in tests, and are the single source of the OpenAPI document (openapi.ts).
 */
import { z } from 'zod';

export const FieldValue = z
  .union([z.number(), z.string(), z.null()])
  .meta({ description: 'A raw feature value: a number, a category string, or null for missing.' });

export const ScoringRecord = z.record(z.string(), FieldValue).meta({
  description: "One record with the model's raw input columns (see GET /model → signature).",
  example: { ALEXA_RANK: 6632004, EMPLOYEE_RANGE: '2 to 5', INDUSTRY: 'REAL_ESTATE' },
});

export const ScoreBatch = z.object({ records: z.array(ScoringRecord).min(1) });

export const ScoreRequest = z.union([ScoreBatch, ScoringRecord]).meta({
  description: 'A batch `{"records": [...]}` (at most serving.max_batch records) or a single record.',
});

export const ModelIdentity = z.object({
  name: z.string(),
  version: z.number().int(),
  run_id: z.string(),
  bundle_sha256: z.string(),
});

export const Prediction = z.object({
  probability: z
    .number()
    .min(0)
    .max(1)
    .meta({ description: 'P(class 1), calibrated when the bundle has a calibrator' }),
  label: z.union([z.literal(0), z.literal(1)]).meta({ description: '1 when probability ≥ threshold' }),
  threshold: z.number(),
});

export const ScoreResponse = z.object({
  model: ModelIdentity,
  predictions: z.array(Prediction),
});

export const RecordList = z.array(ScoringRecord);
export const Rows = z.array(z.array(FieldValue));
export const Columns = z.record(z.string(), z.array(FieldValue));

export const DataframeSplit = z.object({
  dataframe_split: z.object({
    columns: z.array(z.string()),
    data: Rows,
    index: z.array(z.union([z.number(), z.string()])).optional(),
  }),
  params: z.record(z.string(), z.unknown()).optional(),
});
export const DataframeRecords = z.object({
  dataframe_records: RecordList,
  params: z.record(z.string(), z.unknown()).optional(),
});
export const Instances = z.object({
  instances: z.union([RecordList, Rows]),
  params: z.record(z.string(), z.unknown()).optional(),
});
export const Inputs = z.object({
  inputs: z.union([RecordList, Rows, Columns]),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const InvocationsRequest = z.union([DataframeSplit, DataframeRecords, Instances, Inputs]).meta({
  description:
    "MLflow's scoring protocol. Positional rows (arrays) follow the signature's column order; " +
    '`text/csv` bodies carry a header row.',
});

export const InvocationsResponse = z.object({ predictions: z.array(Prediction) });

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    index: z.number().int().optional().meta({ description: '0-based index of the offending record' }),
    field: z.string().optional().meta({ description: 'the offending field' }),
  }),
});

export const Health = z.object({
  status: z.enum(['ok', 'degraded', 'no_model']),
  model_loaded: z.boolean(),
  version: z.number().int().nullable(),
  model: ModelIdentity.nullable(),
  swaps: z.number().int(),
  last_load_error: z.string().nullable().meta({ description: 'why the latest champion failed to load' }),
  uptime_s: z.number(),
});

export const Ready = z.object({ ready: z.boolean(), version: z.number().int().nullable() });

export const SignatureColumn = z.object({
  name: z.string(),
  type: z.enum(['number', 'category']),
  categories: z.array(z.string()).optional(),
  nullable: z.boolean(),
});

export const ModelInfo = z.object({
  name: z.string(),
  version: z.number().int(),
  run_id: z.string(),
  bundle_sha256: z.string(),
  threshold: z.number(),
  calibrated: z.boolean(),
  algorithm: z.string().nullable(),
  config_hash: z.string().nullable(),
  trained_at: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  signature: z.object({ columns: z.array(SignatureColumn) }),
  metadata: z.record(z.string(), z.unknown()),
});

/** Named schemas for OpenAPI components (`#/components/schemas/<name>`). */
export const namedSchemas = {
  ScoringRecord,
  ScoreRequest,
  ScoreResponse,
  ModelIdentity,
  Prediction,
  InvocationsRequest,
  InvocationsResponse,
  ErrorResponse,
  Health,
  Ready,
  ModelInfo,
  SignatureColumn,
} as const;
