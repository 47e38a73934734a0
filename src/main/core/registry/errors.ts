/** A stored bundle failed verification: it is missing, its bytes changed, or it is not an ml-sys bundle. */
export class BundleIntegrityError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'tampered' | 'wrong-kind',
    readonly path: string,
  ) {
    super(message);
    this.name = 'BundleIntegrityError';
  }
}

/** The database's applied migrations are not a prefix of the ones this build knows. */
export class RegistrySchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrySchemaError';
  }
}

/** An expected registry failure (unknown run, invalid transition, nothing to roll back to …). */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}
