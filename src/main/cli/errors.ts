/** An expected failure: printed as `error: <message>` without a stack trace; exit code 1 unless given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
