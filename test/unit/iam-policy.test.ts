import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import {
  IAM_ACTION_EXCEPTIONS,
  RUNNER_OPERATIONS,
  WITHHELD_OPERATIONS,
  iamActionsFor,
  iamActionsForOperations,
  isReadOnlyAction,
  READ_ONLY_QUERY_ACTIONS,
} from '../../src/aws/iam-actions.js';
import { collectors } from '../../src/collectors/index.js';
import type { Collector } from '../../src/collectors/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { SdkCallScanner, listSourceFiles, type SdkCall } from '../support/sdk-calls.js';

/**
 * deploy/iam-policy.json and deploy/iam-store-policy.json against the code: the operations are
 * read from the sources (every `new XxxCommand(` and `paginateXxx(` under src/, with the service
 * from the `@aws-sdk/client-*` import), mapped to IAM actions by src/aws/iam-actions.ts, and
 * compared with the policies in both directions.
 */

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: unknown;
}
interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

const READ_POLICY = 'deploy/iam-policy.json';
const STORE_POLICY = 'deploy/iam-store-policy.json';
/** Modules whose AWS calls are the S3 evidence store's (deploy/iam-store-policy.json); every other src/ module collects. */
const STORE_MODULES = new Set(['src/evidence/s3-store.ts']);
/** Modules outside the collectors that call AWS during collection: the runner (caller identity), organization mode, role assumption. */
const RUNNER_MODULES = new Set(['src/collectors/run-collection.ts', 'src/collectors/accounts.ts', 'src/aws/client-factory.ts']);

const scanner = new SdkCallScanner(packageRoot);
const sourceFiles = listSourceFiles(path.join(packageRoot, 'src'));
const calls: SdkCall[] = sourceFiles.flatMap((f) => scanner.callsInFile(f));
const collectionCalls = calls.filter((c) => !STORE_MODULES.has(c.file));
const storeCalls = calls.filter((c) => STORE_MODULES.has(c.file));

function readPolicy(rel: string): PolicyDocument {
  return JSON.parse(readFileSync(path.join(packageRoot, rel), 'utf8')) as PolicyDocument;
}

function actionsOf(policy: PolicyDocument): string[] {
  return policy.Statement.flatMap((s) => [s.Action ?? []].flat()).sort();
}

/** Where each operation is sent from, for failure messages. */
function sites(list: readonly SdkCall[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of list) out.set(c.operation, [...(out.get(c.operation) ?? []), `${c.file}:${c.line}`]);
  return out;
}

/** Compares a policy's actions with what the calls need: both lists must come out empty. */
function comparePolicy(policy: PolicyDocument, list: readonly SdkCall[]) {
  const operations = [...new Set(list.map((c) => c.operation))].filter((op) => !(op in WITHHELD_OPERATIONS));
  const needed = new Set(iamActionsForOperations(operations));
  const granted = new Set(actionsOf(policy));
  const bySite = sites(list);
  const neededBy = (action: string) =>
    operations.filter((op) => iamActionsFor(op).includes(action)).flatMap((op) => (bySite.get(op) ?? []).map((s) => `${op} at ${s}`));
  return {
    /** Actions the code needs that the policy does not grant, with the calls that need them. */
    missingFromPolicy: [...needed].filter((a) => !granted.has(a)).sort().map((a) => `${a} (${neededBy(a).join('; ')})`),
    /** Actions the policy grants that no code needs. */
    notCalledByCode: [...granted].filter((a) => !needed.has(a)).sort(),
  };
}

describe('the scanner sees every AWS call', () => {
  test('no src/ module uses an SDK command, paginator or credential provider in a way the scan cannot attribute', () => {
    expect(sourceFiles.flatMap((f) => scanner.unseenInFile(f))).toEqual([]);
  });

  test('it finds the calls of known modules (a scanner that saw nothing would pass the policy checks vacuously)', () => {
    const ops = new Set(calls.map((c) => c.operation));
    for (const op of ['s3:GetBucketReplication', 'backup:ListBackupJobs', 'config:GetResourceConfigHistory', 'sts:GetCallerIdentity', 'organizations:ListAccounts', 'sts:AssumeRole', 's3:PutObject']) {
      expect({ op, found: ops.has(op) }).toEqual({ op, found: true });
    }
    expect(new Set(collectionCalls.map((c) => c.file)).size).toBeGreaterThan(20);
  });
});

describe(`${READ_POLICY}: the read-only collection policy`, () => {
  const policy = readPolicy(READ_POLICY);

  test('grants exactly the IAM actions the collectors, the runner and organization mode call', () => {
    expect(comparePolicy(policy, collectionCalls)).toEqual({ missingFromPolicy: [], notCalledByCode: [] });
  });

  test('is read-only: every action reads (Describe/Get/List/Lookup/BatchGet/Select), none writes, no wildcards', () => {
    const actions = actionsOf(policy);
    expect(actions.length).toBeGreaterThan(40);
    expect(actions.filter((a) => !isReadOnlyAction(a))).toEqual([]);
    const writes = /^[a-z0-9-]+:(Put|Create|Delete|Update|Start|Stop|Modify|Tag|Untag|Restore|Assume|Attach|Detach|Enable|Disable|Register|Deregister|Set|Change|Cancel|Send|Pass|Invoke|Run|Terminate|Promote|Failover|Switchover|Copy|Import|Export|Associate|Disassociate|Remove|Add|Purge|Reset|BatchWrite|BatchDelete|BatchUpdate)/;
    expect(actions.filter((a) => (writes.test(a) && !READ_ONLY_QUERY_ACTIONS.has(a)) || a.includes('*'))).toEqual([]);
    // The one exception by name, and why: a CloudTrail Lake query (SELECT only, results not delivered anywhere).
    expect([...READ_ONLY_QUERY_ACTIONS.keys()]).toEqual(['cloudtrail:StartQuery']);
    expect(new Set(actions).size).toBe(actions.length);
  });

  test('is plain: Version 2012-10-17, Allow statements with a Sid, no NotAction/NotResource', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const s of policy.Statement) {
      expect({ sid: s.Sid, effect: s.Effect, notAction: s.NotAction, notResource: s.NotResource }).toEqual({ sid: expect.any(String), effect: 'Allow', notAction: undefined, notResource: undefined });
    }
  });

  test('leaves out what is granted elsewhere: sts:AssumeRole (runner identity + member role trust)', () => {
    expect(collectionCalls.some((c) => c.operation === 'sts:AssumeRole')).toBe(true);
    expect(actionsOf(policy)).not.toContain('sts:AssumeRole');
  });
});

describe(`${STORE_POLICY}: the S3 evidence store's writer`, () => {
  const policy = readPolicy(STORE_POLICY);

  test('grants exactly the IAM actions src/evidence/s3-store.ts needs', () => {
    expect(storeCalls.length).toBeGreaterThan(0);
    expect(comparePolicy(policy, storeCalls)).toEqual({ missingFromPolicy: [], notCalledByCode: [] });
  });

  test('is limited to the store bucket and cannot delete or shorten retention', () => {
    const resources = policy.Statement.flatMap((s) => [s.Resource ?? []].flat());
    expect(resources.filter((r) => r !== 'arn:aws:s3:::EVIDENCE_BUCKET' && r !== 'arn:aws:s3:::EVIDENCE_BUCKET/*')).toEqual([]);
    expect(actionsOf(policy).filter((a) => /Delete|Bypass|\*|PutBucket|PutObjectLegalHold/.test(a))).toEqual([]);
    // Bucket-level actions on the bucket, object actions on its objects only.
    for (const s of policy.Statement) {
      const objectLevel = [s.Action].flat().every((a) => /^s3:(GetObject|PutObject|PutObjectRetention)$/.test(String(a)));
      expect({ sid: s.Sid, resource: s.Resource }).toEqual({ sid: s.Sid, resource: objectLevel ? 'arn:aws:s3:::EVIDENCE_BUCKET/*' : 'arn:aws:s3:::EVIDENCE_BUCKET' });
    }
  });
});

describe('src/aws/iam-actions.ts', () => {
  test('the API operations whose IAM action has another name', () => {
    expect(
      Object.fromEntries(['s3:ListBuckets', 's3:GetBucketReplication', 's3:GetObjectLockConfiguration', 's3:GetBucketEncryption', 's3:GetBucketTagging', 'config:BatchGetResourceConfig', 'cloudwatch:DescribeAlarms', 'kms:ListAliases'].map((op) => [op, iamActionsFor(op)])),
    ).toEqual({
      's3:ListBuckets': ['s3:ListAllMyBuckets'],
      's3:GetBucketReplication': ['s3:GetReplicationConfiguration'],
      's3:GetObjectLockConfiguration': ['s3:GetBucketObjectLockConfiguration'],
      's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
      's3:GetBucketTagging': ['s3:GetBucketTagging'],
      'config:BatchGetResourceConfig': ['config:BatchGetResourceConfig'],
      'cloudwatch:DescribeAlarms': ['cloudwatch:DescribeAlarms'],
      'kms:ListAliases': ['kms:ListAliases'],
    });
    expect(iamActionsFor('sts:GetCallerIdentity')).toEqual([]);
    expect(() => iamActionsFor('ListBuckets')).toThrow(/prefix:Operation/);
  });

  test('every exception and every withheld operation is about an operation the code sends (no stale entries)', () => {
    const sent = new Set(calls.map((c) => c.operation));
    expect(Object.keys(IAM_ACTION_EXCEPTIONS).filter((op) => !sent.has(op))).toEqual([]);
    expect(Object.keys(WITHHELD_OPERATIONS).filter((op) => !sent.has(op))).toEqual([]);
  });

  test('withheld operations stay out of both policies', () => {
    const granted = new Set([...actionsOf(readPolicy(READ_POLICY)), ...actionsOf(readPolicy(STORE_POLICY))]);
    expect(Object.keys(WITHHELD_OPERATIONS).flatMap((op) => iamActionsFor(op)).filter((a) => granted.has(a))).toEqual([]);
  });

  test('isReadOnlyAction tells reads from writes by the verb', () => {
    expect(['s3:GetObject', 'config:BatchGetResourceConfig', 'cloudtrail:LookupEvents', 'kms:DescribeKey', 'organizations:ListAccounts'].map(isReadOnlyAction)).toEqual([true, true, true, true, true]);
    expect(['s3:PutObject', 'backup:StartBackupJob', 'dynamodb:BatchWriteItem', 'kms:Getaway', 'sts:AssumeRole', 's3:*', 'ListBuckets'].map(isReadOnlyAction)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('each collector declares the operations its own code sends', () => {
  /** Registry entries with the module and export they come from (src/collectors/index.ts's imports). */
  async function locateCollectors(): Promise<Array<{ collector: Collector; file: string; name: string }>> {
    const indexFile = path.join(packageRoot, 'src/collectors/index.ts');
    const source = ts.createSourceFile(indexFile, readFileSync(indexFile, 'utf8'), ts.ScriptTarget.ES2022, true);
    const found: Array<{ collector: Collector; file: string; name: string }> = [];
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const spec = statement.moduleSpecifier.text;
      const bindings = statement.importClause?.namedBindings;
      if (!spec.startsWith('.') || !bindings || !ts.isNamedImports(bindings)) continue;
      const file = path.resolve(path.dirname(indexFile), spec.replace(/\.js$/, '.ts'));
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const element of bindings.elements) {
        const name = (element.propertyName ?? element.name).text;
        const collector = collectors.find((c) => c === mod[name]);
        if (collector) found.push({ collector, file, name });
      }
    }
    return found;
  }

  test('declared `operations` = the operations reachable from the collector’s declaration', async () => {
    const located = await locateCollectors();
    expect(located.map((l) => l.collector.id).sort()).toEqual(collectors.map((c) => c.id).sort());
    const mismatches = located
      .map(({ collector, file, name }) => ({
        id: collector.id,
        file: path.relative(packageRoot, file),
        declared: [...collector.operations].sort(),
        sent: [...scanner.operationsOf(file, name)].sort(),
      }))
      .filter((m) => JSON.stringify(m.declared) !== JSON.stringify(m.sent));
    expect(mismatches).toEqual([]);
  });

  test('every collection call outside the runner belongs to a registered collector', () => {
    const declared = new Set(collectors.flatMap((c) => c.operations));
    const orphans = collectionCalls.filter((c) => !RUNNER_MODULES.has(c.file) && !declared.has(c.operation)).map((c) => `${c.operation} at ${c.file}:${c.line}`);
    expect(orphans).toEqual([]);
    // What docs/COLLECTORS.md says the runner calls (RUNNER_OPERATIONS) is what the runner's modules send.
    expect(collectionCalls.filter((c) => RUNNER_MODULES.has(c.file)).map((c) => c.operation).sort()).toEqual(Object.keys(RUNNER_OPERATIONS).sort());
  });
});
