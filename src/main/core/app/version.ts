import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

let cached: string | undefined;

export function appVersion(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
