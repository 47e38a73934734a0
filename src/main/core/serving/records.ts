/**
 * Checks raw scoring records against the model's input signature before the model sees them, so that
 * every model rejects bad input the same way: a 400 naming the record index and the field. Unknown
 * categories pass (the encoder decides what they mean); fields outside the signature are ignored.
 */
import type { InputSignature } from '../../../shared/model/signature';
import { HttpError } from './http-error';
import { isNonFiniteMark } from './json';

interface CompiledSignature {
  names: string[];
  numeric: boolean[];
  nullable: boolean[];
}

const compiled = new WeakMap<InputSignature, CompiledSignature>();

function compile(signature: InputSignature): CompiledSignature {
  let c = compiled.get(signature);
  if (!c) {
    c = {
      names: signature.columns.map((col) => col.name),
      numeric: signature.columns.map((col) => col.type === 'number'),
      nullable: signature.columns.map((col) => col.nullable),
    };
    compiled.set(signature, c);
  }
  return c;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function checkBatchSize(n: number, maxBatch: number): void {
  if (n === 0) throw new HttpError(400, 'empty_batch', 'The batch is empty; send at least one record');
  if (n > maxBatch) {
    throw new HttpError(
      413,
      'batch_too_large',
      `The batch has ${n} records; the limit (serving.max_batch) is ${maxBatch}`,
    );
  }
}

function fieldError(
  index: number,
  field: string,
  code: 'missing_field' | 'wrong_type' | 'non_finite',
  what: string,
) {
  return new HttpError(400, code, `record ${index}, field "${field}": ${what}`, index, field);
}

/** Throws a 400 HttpError for the first bad record; on success the records are safe to score. */
export function checkRecords(
  records: unknown[],
  signature: InputSignature,
): asserts records is Record<string, unknown>[] {
  const { names, numeric, nullable } = compile(signature);
  const cols = names.length;
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      throw new HttpError(400, 'invalid_record', `record ${i}: expected an object, got ${typeName(rec)}`, i);
    }
    const r = rec as Record<string, unknown>;
    for (let j = 0; j < cols; j++) {
      const v = r[names[j]];
      if (v === undefined || v === null) {
        if (!nullable[j]) throw fieldError(i, names[j], 'missing_field', 'is required');
        continue;
      }
      if (numeric[j]) {
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw fieldError(i, names[j], 'non_finite', `${v} is not a finite number`);
        } else if (isNonFiniteMark(v)) {
          throw fieldError(
            i,
            names[j],
            'non_finite',
            `${v.slice(1)} is not a finite number; send null for missing`,
          );
        } else {
          throw fieldError(i, names[j], 'wrong_type', `expected a number, got ${typeName(v)}`);
        }
      } else if (typeof v !== 'string') {
        throw fieldError(i, names[j], 'wrong_type', `expected a string (category), got ${typeName(v)}`);
      } else if (isNonFiniteMark(v)) {
        throw fieldError(i, names[j], 'non_finite', `${v.slice(1)} is not a category; send null for missing`);
      }
    }
  }
}
