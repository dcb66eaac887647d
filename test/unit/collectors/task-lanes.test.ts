import { TaskLanes, orderTasksForLanes, slowestRate } from '../../../src/collectors/task-lanes.js';

/** A task that records when it runs and finishes when released. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskLanes: collection.concurrency tasks in flight per account × region', () => {
  test('a full account × region does not hold back another region or account', async () => {
    const lanes = new TaskLanes(2);
    const running = new Set<string>();
    const gates = new Map<string, ReturnType<typeof gate>>();
    const start = (account: string, region: string, id: string) => {
      const g = gate();
      gates.set(id, g);
      return lanes.run(account, region, async () => {
        running.add(id);
        await g.done;
        running.delete(id);
      });
    };
    const all = [
      start('a', 'us-east-1', 'a1'),
      start('a', 'us-east-1', 'a2'),
      start('a', 'us-east-1', 'a3'),
      start('a', 'eu-west-1', 'e1'),
      start('b', 'us-east-1', 'b1'),
      start('a', 'global', 's3'),
    ];
    await flush();
    // us-east-1 of account a is full (2); its third task waits; the others run at once.
    expect([...running].sort()).toEqual(['a1', 'a2', 'b1', 'e1', 's3']);
    gates.get('a1')!.release();
    await flush();
    await flush();
    expect(running.has('a3')).toBe(true);
    for (const g of gates.values()) g.release();
    await Promise.all(all);
    expect(running.size).toBe(0);
  });

  test('tasks of one account × region start in the order they were given', async () => {
    const lanes = new TaskLanes(1);
    const order: string[] = [];
    await Promise.all(['first', 'second', 'third'].map((id) => lanes.run('a', 'r', async () => void order.push(id))));
    expect(order).toEqual(['first', 'second', 'third']);
  });
});

describe('orderTasksForLanes: the slowest-paced sources first', () => {
  test('slowestRate is the strictest rate limit among the operations', () => {
    expect(slowestRate({ operations: ['cloudtrail:LookupEvents'] })).toBe(2);
    expect(slowestRate({ operations: ['s3:ListBuckets', 's3:GetBucketTagging'] })).toBe(50);
    expect(slowestRate({ operations: ['dynamodb:ListTables', 'dynamodb:ListTagsOfResource'] })).toBe(10);
    expect(slowestRate({ operations: [] })).toBe(Infinity);
  });

  test('CloudTrail lookups (2 per second) go first; the rest keep their order', () => {
    const task = (id: string, operations: string[]) => ({ id, collector: { operations } });
    const tasks = [
      task('backup.plans', ['backup:ListBackupPlans']),
      task('s3.buckets', ['s3:ListBuckets']),
      task('dr.records', []),
      task('cloudtrail.events', ['cloudtrail:LookupEvents']),
      task('backup.vaults', ['backup:ListBackupVaults']),
      task('config.recorders', ['config:DescribeConfigurationRecorders']),
    ];
    expect(orderTasksForLanes(tasks).map((t) => t.id)).toEqual(['cloudtrail.events', 'config.recorders', 'backup.plans', 'backup.vaults', 's3.buckets', 'dr.records']);
    // The input is left as it was.
    expect(tasks[0].id).toBe('backup.plans');
  });
});
