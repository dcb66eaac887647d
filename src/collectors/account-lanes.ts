import { Semaphore } from '../util/limiter.js';

/**
 * Bounds how many accounts a run works on at once (`accounts.concurrency` in organization mode):
 * an account takes a lane when its first task starts and gives it back when its last task ends.
 * Tasks inside an account still take the task lanes of their account × region
 * (`collection.concurrency` each, src/collectors/task-lanes.ts), spread over at
 * most `accounts.concurrency` accounts — each account's credentials and rate limits stay warm
 * while it is worked on, and no more role sessions are open than the limit.
 */
export class AccountLanes {
  private readonly lanes: Semaphore;
  private readonly slots = new Map<string, { ready: Promise<void>; left: number; release: () => void }>();

  /** `tasksPerAccount`: how many tasks each account will run (its lane is freed after the last). */
  constructor(
    capacity: number,
    private readonly tasksPerAccount: ReadonlyMap<string, number>,
  ) {
    this.lanes = new Semaphore(Math.max(1, capacity));
  }

  async run<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    let slot = this.slots.get(accountId);
    if (!slot) {
      let entered!: () => void;
      const ready = new Promise<void>((resolve) => (entered = resolve));
      const created = { ready, left: this.tasksPerAccount.get(accountId) ?? 1, release: () => undefined as void };
      const finished = new Promise<void>((resolve) => (created.release = resolve));
      void this.lanes.run(async () => {
        entered();
        await finished;
      });
      this.slots.set(accountId, created);
      slot = created;
    }
    await slot.ready;
    try {
      return await work();
    } finally {
      slot.left -= 1;
      if (slot.left <= 0) slot.release();
    }
  }
}
