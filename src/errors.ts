/**
 * The few error types proofpack throws. Expected problems (a bad config, a denied API call)
 * are values where the caller can act on them; these classes carry them across layers.
 * Only src/cli/ turns them into exit codes.
 */

/** Exit codes of the command-line contract (docs/ARCHITECTURE.md). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  badInput: 2,
  gapsOrFailures: 3,
  verificationFailed: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One problem in a user's file: which file, where in it, and what was expected. */
export interface InputIssue {
  file: string;
  /** JSON-path-like location, e.g. `regions[2]` or `period`. Empty for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

export function formatInputIssue(issue: InputIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** The config file (or a file it points to) is missing or invalid. Exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly issues: InputIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map(formatInputIssue).join('\n'), options);
  }
}

/** A user-supplied record (DR test, narrative, waiver file…) is invalid. Exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly issues: InputIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map(formatInputIssue).join('\n'), options);
  }
}

/** A collector could not run at all (not an API denial, which is a gap). */
export class CollectorError extends Error {
  override name = 'CollectorError';
  constructor(
    message: string,
    readonly collectorId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Evidence does not match its schema (on write, or on read from a store). */
export class EvidenceValidationError extends Error {
  override name = 'EvidenceValidationError';
  constructor(
    message: string,
    readonly schemaId: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`${message}: ${problems.join('; ')}`, options);
  }
}

/** The evidence store is unreadable or inconsistent (broken manifest, missing file). */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bundle or snapshot failed verification. Exit code 4. */
export class VerificationError extends Error {
  override name = 'VerificationError';
  constructor(
    message: string,
    readonly failures: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A document could not be rendered (no usable Chromium, a malformed document model, a browser failure). */
export class RenderError extends Error {
  override name = 'RenderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad command-line usage. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The user has already been told what went wrong; exit with this code and print nothing more. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    readonly code: ExitCodeValue,
    message = `exit ${code}`,
  ) {
    super(message);
  }
}
