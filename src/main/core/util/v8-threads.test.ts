import { describe, expect, it } from 'vitest';
import { compileOnRequestingThread, FEW_CORES } from './v8-threads';

describe('V8 background compiling', () => {
  it('is turned off for workers on two cores or fewer, unless asked to keep it', () => {
    expect(FEW_CORES).toBe(2);
    expect(compileOnRequestingThread(1, {})).toBe(true);
    expect(compileOnRequestingThread(2, {})).toBe(true);
    expect(compileOnRequestingThread(3, {})).toBe(false);
    expect(compileOnRequestingThread(16, {})).toBe(false);
    expect(compileOnRequestingThread(2, { MLSYS_V8_CONCURRENT_COMPILE: '1' })).toBe(false);
    expect(compileOnRequestingThread(2, { MLSYS_V8_CONCURRENT_COMPILE: '0' })).toBe(true);
  });
});
