import type { AccountTarget } from '../aws/client-factory.js';
import { CallRecorder, withCallRecorder, type RawCall } from '../aws/call-recorder.js';
import type { CallerIdentity } from '../evidence/types.js';

/** An account a shared listing can be made in: reachable in this run, with its caller identity. */
export interface ViewAccount {
  target: AccountTarget;
  identity: CallerIdentity;
}

/** What a shared listing produced, with the requests it sent (for each envelope's provenance). */
export interface SharedOutcome<T> {
  value?: T;
  error?: unknown;
  calls: readonly RawCall[];
}

/**
 * Organization-wide listings shared by the tasks of one run (CollectorContext.viaAccount): AWS
 * Backup's ListBackupJobs with ByAccountId "*" answers for every account at once, so the first
 * task of a region lists and the others filter the same answer. Calls then grow with regions,
 * not accounts, and each account still gets its own envelope.
 */
export class SharedListings {
  private readonly outcomes = new Map<string, Promise<SharedOutcome<unknown>>>();
  private readonly windowCache = new Map<string, ReadonlyArray<{ start: Date; end: Date }>>();

  constructor(
    private readonly accounts: ReadonlyMap<string, ViewAccount>,
    private readonly windows: (collector: string, region: string) => ReadonlyArray<{ start: Date; end: Date }>,
  ) {}

  /** The account, when it is reachable in this run. */
  account(id: string): ViewAccount | undefined {
    return this.accounts.get(id);
  }

  /** The windows planned for `collector` in `region` across the run's reachable accounts. */
  windowsOf(collector: string, region: string): ReadonlyArray<{ start: Date; end: Date }> {
    const key = `${collector}|${region}`;
    let windows = this.windowCache.get(key);
    if (!windows) {
      windows = this.windows(collector, region);
      this.windowCache.set(key, windows);
    }
    return windows;
  }

  /**
   * Runs `produce` once per key, recording its requests apart from the task that happened to ask
   * first; every caller gets the same outcome (a failure too, so each envelope records its gap).
   */
  once<T>(key: string, produce: () => Promise<T>): Promise<SharedOutcome<T>> {
    let outcome = this.outcomes.get(key);
    if (!outcome) {
      const recorder = new CallRecorder();
      outcome = withCallRecorder(recorder, produce).then(
        (value) => ({ value, calls: recorder.raw() }),
        (error: unknown) => ({ error, calls: recorder.raw() }),
      );
      this.outcomes.set(key, outcome);
    }
    return outcome as Promise<SharedOutcome<T>>;
  }
}
