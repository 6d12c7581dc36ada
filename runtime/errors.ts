// The one error hierarchy (as ML Metadata's errors.py: one base class, a code, a message for people).
// A `UserError` is a mistake the user can fix (a bad file, flag, database, parameter): every side shows
// its message and hint and never a stack trace. Anything else that is thrown is an internal error.
// Each side has one place that prints errors: runtime/cli/main.ts (`main`), runtime/server/server.ts
// (the request wrapper) and extension/errors.ts (`showError`). Pure TypeScript: the extension imports it too.

/** Where in a file the mistake is (1-based line and column), when it is in one. */
export interface ErrorPosition {
  file?: string;
  line?: number;
  column?: number;
}

export interface UserErrorOptions {
  /** What to do about it, in one sentence ("Point --db at an ML Metadata file."). */
  hint?: string;
  /** A machine-readable kind (subclasses narrow it: MetadataStoreError's 'not-mlmd', 'version' …). */
  code?: string;
  where?: ErrorPosition;
  cause?: unknown;
}

/** A mistake the user can fix: shown as its message (and hint), never as a stack trace. */
export class UserError extends Error {
  readonly hint?: string;
  readonly code?: string;
  readonly where?: ErrorPosition;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // The subclass's name ("MetadataStoreError"), so logs say which part refused.
    this.name = new.target.name;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.code !== undefined) this.code = options.code;
    if (options.where !== undefined) this.where = options.where;
  }
}

/**
 * The way a command or a run was asked for is wrong (an unknown flag, an unknown step, a missing id):
 * the CLI exits 2 for these, 1 for every other UserError.
 */
export class UsageError extends UserError {}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * The text a person reads for a user error: the message (which names its file and place itself; `where`
 * is for tools, such as a Problems entry) and the hint, unless the message already says it.
 */
export function describeUserError(e: UserError): { message: string; hint?: string } {
  return e.hint !== undefined && !e.message.includes(e.hint) ? { message: e.message, hint: e.hint } : { message: e.message };
}
