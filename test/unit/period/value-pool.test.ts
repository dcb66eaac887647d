import { ValuePool } from '../../../src/period/value-pool.js';

const job = (id: string) => ({
  BackupJobId: id,
  ResourceArn: 'arn:aws:rds:us-east-1:111111111111:db:orders',
  CreatedBy: { BackupPlanId: 'plan-1', BackupRuleId: 'rule-1' },
  RecoveryPointLifecycle: { DeleteAfterDays: 35, OptInToArchiveForSupportedResources: false },
  Tags: [{ Key: 'soc2', Value: 'in-scope' }],
  BackupSizeInBytes: 0,
});

test('shared records keep every value: the pooled copies equal what was parsed', () => {
  const pool = new ValuePool();
  const parsed = [1, 2, 3].map((n) => JSON.parse(JSON.stringify(job(`job-${n}`))) as ReturnType<typeof job>);
  const shared = parsed.map((r) => pool.share(r));

  expect(shared).toEqual([1, 2, 3].map((n) => job(`job-${n}`)));
  // Records and list items keep their identity: only objects held by a field are shared.
  expect(shared[0]).toBe(parsed[0]);
  expect(shared[1].Tags[0]).not.toBe(shared[0].Tags[0]);
});

test('repeated small nested objects become one frozen instance, so evidence cannot be changed through another record', () => {
  const pool = new ValuePool();
  const [a, b] = ['job-1', 'job-2'].map((id) => pool.share(JSON.parse(JSON.stringify(job(id))) as ReturnType<typeof job>));

  expect(b.CreatedBy).toBe(a.CreatedBy);
  expect(b.RecoveryPointLifecycle).toBe(a.RecoveryPointLifecycle);
  expect(Object.isFrozen(a.CreatedBy)).toBe(true);
  expect(() => {
    (a.CreatedBy as { BackupPlanId: string }).BackupPlanId = 'changed';
  }).toThrow(TypeError);
  expect(b.CreatedBy.BackupPlanId).toBe('plan-1');
});

test('objects that differ, nest further, or hold -0 are not merged', () => {
  const pool = new ValuePool();
  const a = pool.share({ x: { plan: 'p1' }, y: { inner: { plan: 'p1' } }, z: { n: 0 } });
  const b = pool.share({ x: { plan: 'p2' }, y: { inner: { plan: 'p1' } }, z: { n: -0 } });

  expect(b.x).not.toBe(a.x);
  expect(b.x.plan).toBe('p2');
  expect(b.y).not.toBe(a.y); // not flat: only its flat member is shared
  expect(b.y.inner).toBe(a.y.inner);
  expect(Object.is(b.z.n, -0)).toBe(true);
  expect(Object.is(a.z.n, 0)).toBe(true);
});

test('a field whose values never repeat stops being pooled, and its values are still kept', () => {
  const pool = new ValuePool();
  const records = Array.from({ length: 1000 }, (_, i) => pool.share({ Id: `id-${i}`, Meta: { Seq: i } }));

  expect(records.map((r) => r.Id)).toEqual(Array.from({ length: 1000 }, (_, i) => `id-${i}`));
  expect(records.map((r) => r.Meta.Seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  // After the sample, Meta objects are no longer pooled (and so no longer frozen).
  expect(Object.isFrozen(records[999].Meta)).toBe(false);
  expect(Object.isFrozen(records[0].Meta)).toBe(true);
});
