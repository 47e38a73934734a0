import { formatIssue, type ConfigIssue } from './layers';

/** A config that cannot be used; the message holds every problem, one formatted line each. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}
