/**
 * A data problem the user can fix: names the file and, where it applies, the column and the first
 * bad row. Printed without a stack trace.
 */
export class DataError extends Error {
  constructor(
    message: string,
    readonly details: { file?: string; column?: string; line?: number } = {},
  ) {
    super(message);
    this.name = 'DataError';
  }
}
