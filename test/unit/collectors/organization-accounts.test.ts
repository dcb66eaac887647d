import type { Account } from '@aws-sdk/client-organizations';
import { AccountLanes } from '../../../src/collectors/account-lanes.js';
import { selectOrganizationAccounts, shardAccounts } from '../../../src/collectors/accounts.js';

const AT = '2026-03-01T00:00:00.000Z';
const account = (Id: string, Name: string, State: Account['State'] = 'ACTIVE', partition = 'aws'): Account => ({
  Id,
  Name,
  State,
  Status: State === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
  Arn: `arn:${partition}:organizations::000000000000:account/o-abc/${Id}`,
});

test('every account that is not ACTIVE is skipped with a note and an `account` gap', () => {
  const listed = [
    account('444444444444', 'prod'),
    account('111111111111', 'closing', 'PENDING_CLOSURE'),
    account('222222222222', 'gone', 'CLOSED'),
    account('333333333333', 'suspended', 'SUSPENDED'),
  ];

  const out = selectOrganizationAccounts(listed, { organization: true, roleName: 'proofpack-read' }, AT);

  expect(out.accounts).toEqual([{ id: '444444444444', name: 'prod', roleArn: 'arn:aws:iam::444444444444:role/proofpack-read' }]);
  expect(out.skipped.map((a) => a.id)).toEqual(['111111111111', '222222222222', '333333333333']);
  expect(out.gaps.map((g) => [g.account, g.kind, g.errorCode, g.collector, g.region])).toEqual([
    ['111111111111', 'account', 'PENDING_CLOSURE', '*', '*'],
    ['222222222222', 'account', 'CLOSED', '*', '*'],
    ['333333333333', 'account', 'SUSPENDED', '*', '*'],
  ]);
  expect(out.notes).toEqual([
    'account closing (111111111111) is pending closure and is not collected',
    'account gone (222222222222) is closed and is not collected',
    'account suspended (333333333333) is suspended and is not collected',
  ]);
});

test('the role ARN follows the account partition; the legacy Status is used when State is absent', () => {
  const gov = { ...account('555555555555', 'gov', 'ACTIVE', 'aws-us-gov') };
  const legacy: Account = { Id: '666666666666', Name: 'legacy', Status: 'SUSPENDED' };

  const out = selectOrganizationAccounts([gov, legacy], { organization: true, roleName: '/audit/reader' }, AT);

  expect(out.accounts.map((a) => a.roleArn)).toEqual(['arn:aws-us-gov:iam::555555555555:role/audit/reader']);
  expect(out.gaps.map((g) => g.errorCode)).toEqual(['SUSPENDED']);
});

test('include/exclude: ids or names, * and ?, names case-insensitive, exclude wins, an excluded suspended account is no gap', () => {
  const listed = [account('111111111111', 'Prod-EU'), account('222222222222', 'prod-us'), account('333333333333', 'sandbox'), account('444444444444', 'prod-old', 'SUSPENDED')];

  const out = selectOrganizationAccounts(listed, { organization: true, roleName: 'r', include: ['prod-*', '33333333333?'], exclude: ['*-old', '*-us'] }, AT);

  expect(out.accounts.map((a) => a.name)).toEqual(['Prod-EU', 'sandbox']);
  expect(out.gaps).toEqual([]);
  expect(out.notes).toEqual(['account prod-us (222222222222) is excluded by accounts.exclude', 'account prod-old (444444444444) is excluded by accounts.exclude']);
});

test('shardAccounts: stable slices that together cover every account once', () => {
  const ids = ['555555555555', '111111111111', '444444444444', '222222222222', '333333333333'].map((id) => ({ id }));
  const slices = [1, 2, 3].map((index) => shardAccounts(ids, { index, count: 3 }).map((a) => a.id));
  expect(slices).toEqual([
    ['111111111111', '444444444444'],
    ['222222222222', '555555555555'],
    ['333333333333'],
  ]);
  expect(slices.flat().sort()).toEqual(ids.map((a) => a.id).sort());
});

test('AccountLanes: at most N accounts are worked on at once, each until its last task ends', async () => {
  const tasks = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'd'];
  const perAccount = new Map<string, number>();
  for (const t of tasks) perAccount.set(t, (perAccount.get(t) ?? 0) + 1);
  const lanes = new AccountLanes(2, perAccount);
  const active = new Map<string, number>();
  let maxAccounts = 0;
  const order: string[] = [];

  await Promise.all(
    tasks.map((account, i) =>
      lanes.run(account, async () => {
        active.set(account, (active.get(account) ?? 0) + 1);
        maxAccounts = Math.max(maxAccounts, active.size);
        order.push(account);
        await new Promise((resolve) => setTimeout(resolve, 5 + (i % 3)));
        const left = active.get(account)! - 1;
        if (left === 0) active.delete(account);
        else active.set(account, left);
      }),
    ),
  );

  expect(maxAccounts).toBe(2);
  expect(order.slice(0, 5).sort()).toEqual(['a', 'a', 'a', 'b', 'b']);
  expect(order).toHaveLength(tasks.length);
});
