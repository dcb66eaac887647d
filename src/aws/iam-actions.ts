/**
 * API operation → IAM action: the one place that says which permission each AWS call proofpack
 * makes needs. Operations are named as provenance records them, `<iam-prefix>:<Operation>` (the
 * SDK command without `Command`, e.g. `s3:GetBucketReplication`).
 *
 * Most operations need the IAM action of the same name. The exceptions below were each checked
 * against AWS's Service Authorization Reference and the operation's API reference ("This action
 * requires permissions for the s3:GetReplicationConfiguration action"). The deploy policies are
 * built from this mapping, and test/unit/iam-policy.test.ts derives the operations from the code
 * (every `new XxxCommand(` and `paginateXxx(` under src/) and fails when a policy and the code
 * disagree in either direction:
 *
 * - deploy/iam-policy.json — the read-only collection policy: what the collectors, the runner
 *   and organization mode call in each collected account;
 * - deploy/iam-store-policy.json — the S3 evidence store's writer (src/evidence/s3-store.ts), on
 *   the store bucket only, kept apart so the collection policy stays read-only.
 */

/** The IAM service prefix of each AWS SDK v3 client package proofpack uses. */
export const SDK_PACKAGE_PREFIXES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-backup': 'backup',
  '@aws-sdk/client-cloudtrail': 'cloudtrail',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-config-service': 'config',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-rds': 'rds',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sts': 'sts',
};

/** Why an operation needs other actions than the one of its own name. */
export interface ActionException {
  /** The IAM actions the operation needs; [] when it needs none. */
  actions: readonly string[];
  /** Where AWS says so. */
  why: string;
}

/**
 * Operations whose IAM action differs from the operation's name (or that need more than one, or
 * none). Every other operation needs exactly the action of its own name (e.g. `backup:ListBackupJobs`,
 * `config:BatchGetResourceConfig`, `cloudwatch:DescribeAlarms`, `kms:ListAliases`).
 */
export const IAM_ACTION_EXCEPTIONS: Readonly<Record<string, ActionException>> = {
  's3:ListBuckets': {
    actions: ['s3:ListAllMyBuckets'],
    why: 'S3 API reference, ListBuckets: "you must have the s3:ListAllMyBuckets permission"',
  },
  's3:GetBucketReplication': {
    actions: ['s3:GetReplicationConfiguration'],
    why: 'S3 API reference, GetBucketReplication: "requires permissions for the s3:GetReplicationConfiguration action"',
  },
  's3:GetObjectLockConfiguration': {
    actions: ['s3:GetBucketObjectLockConfiguration'],
    why: 'Service Authorization Reference (Amazon S3): s3:GetBucketObjectLockConfiguration grants GetObjectLockConfiguration',
  },
  's3:GetBucketEncryption': {
    actions: ['s3:GetEncryptionConfiguration'],
    why: 'S3 API reference, GetBucketEncryption: "you must have permission to perform the s3:GetEncryptionConfiguration action"',
  },
  's3:ListObjectsV2': {
    actions: ['s3:ListBucket'],
    why: 'S3 API reference, ListObjectsV2: "You must have permission to perform the s3:ListBucket action"',
  },
  's3:HeadObject': {
    actions: ['s3:GetObject'],
    why: 'S3 API reference, HeadObject: "To use HEAD, you must have the s3:GetObject permission"',
  },
  's3:PutObject': {
    // The store writes every object with an Object Lock retention when `storeRetention` is set.
    actions: ['s3:PutObject', 's3:PutObjectRetention'],
    why: 'S3 API reference, PutObject/PutObjectRetention: writing an object with x-amz-object-lock-mode and -retain-until-date needs s3:PutObjectRetention too',
  },
  's3:DeleteObjects': {
    actions: ['s3:DeleteObject'],
    why: 'Service Authorization Reference (Amazon S3): DeleteObjects is authorized per key by s3:DeleteObject',
  },
  'sts:GetCallerIdentity': {
    actions: [],
    why: 'STS API reference, GetCallerIdentity: "No permissions are required to perform this operation" (an explicit deny does not stop it)',
  },
};

/**
 * Calls that the SDK's credential providers make on proofpack's behalf (no `new XxxCommand(` in
 * proofpack's code), keyed by the provider function.
 */
export const CREDENTIAL_PROVIDER_OPERATIONS: Readonly<Record<string, string>> = {
  // src/aws/client-factory.ts: each account with a roleArn is reached through AssumeRole.
  fromTemporaryCredentials: 'sts:AssumeRole',
};

/**
 * What the runner itself calls during collection, outside the collectors (each collector lists
 * its own in `operations`), and why.
 */
export const RUNNER_OPERATIONS: Readonly<Record<string, string>> = {
  'sts:GetCallerIdentity': 'once per account before its collectors run: the caller identity written into every envelope’s provenance',
  'organizations:ListAccounts':
    'organization mode (`accounts: { organization: true }`): the organization’s accounts, from the management or a delegated administrator account',
  'sts:AssumeRole': 'each account with a role (`roleArn`, or every member account in organization mode) is read through that role',
};

/**
 * Operations that proofpack's code can send but that the deploy policies deliberately do not
 * allow, with the reason. Each is granted somewhere else, or must stay denied.
 */
export const WITHHELD_OPERATIONS: Readonly<Record<string, string>> = {
  'sts:AssumeRole':
    'Not a read: the identity proofpack starts with needs sts:AssumeRole on the member roles (deploy/cloudformation/scheduler-fargate.yaml ' +
    'grants it on arn:aws:iam::*:role/<MemberRoleName>), and each member role must trust that identity ' +
    '(deploy/cloudformation/member-read-role.yaml). Cross-account, both are required; neither belongs in the read policy.',
  's3:DeleteObjects':
    'Only S3SnapshotWriter.abort() sends it, and nothing in proofpack calls abort() on an S3 store: evidence is write-once, so ' +
    'the store writer is never allowed to delete (with Object Lock a delete would only add a marker).',
};

/** The IAM actions one operation needs (the action of its own name unless IAM_ACTION_EXCEPTIONS says otherwise). */
export function iamActionsFor(operation: string): readonly string[] {
  if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(operation)) throw new RangeError(`not an operation of the form prefix:Operation: ${JSON.stringify(operation)}`);
  return IAM_ACTION_EXCEPTIONS[operation]?.actions ?? [operation];
}

/** The IAM actions a list of operations needs: sorted, without duplicates. */
export function iamActionsForOperations(operations: Iterable<string>): string[] {
  const actions = new Set<string>();
  for (const operation of operations) for (const action of iamActionsFor(operation)) actions.add(action);
  return [...actions].sort();
}

/**
 * IAM action verbs that read. An action of the read-only collection policy must start with one
 * of them; anything else (Put, Create, Delete, Update, Start, Stop, Tag, Restore, Assume…) changes
 * something.
 */
export const READ_ONLY_VERBS: readonly string[] = ['Describe', 'Get', 'List', 'Lookup', 'BatchGet', 'Select'];

/**
 * Actions whose verb says "write" but that only read, each with the reason. cloudtrail:StartQuery
 * starts a CloudTrail Lake query: Lake runs SELECT statements only, and proofpack sends no
 * DeliveryS3Uri, so nothing is stored anywhere.
 */
export const READ_ONLY_QUERY_ACTIONS: ReadonlyMap<string, string> = new Map([
  ['cloudtrail:StartQuery', 'CloudTrail Lake runs SELECT statements only; no DeliveryS3Uri is sent'],
]);

/** True when an IAM action only reads (`config:BatchGetResourceConfig`), by its verb (or READ_ONLY_QUERY_ACTIONS). */
export function isReadOnlyAction(action: string): boolean {
  if (READ_ONLY_QUERY_ACTIONS.has(action)) return true;
  const name = /^[a-z0-9-]+:([A-Za-z0-9]+)$/.exec(action)?.[1];
  if (!name) return false;
  return READ_ONLY_VERBS.some((verb) => name.startsWith(verb) && /^[A-Z]/.test(name.slice(verb.length)));
}
