import { IAM_ACTION_EXCEPTIONS, RUNNER_OPERATIONS, WITHHELD_OPERATIONS, iamActionsFor, iamActionsForOperations } from '../aws/iam-actions.js';
import type { Collector, CollectorScope } from './types.js';

/** What docs/COLLECTORS.md is rendered from. */
export interface CollectorsDocInput {
  collectors: readonly Collector[];
  /** Sample envelope files present, relative to the repository root (`samples/envelopes/<id>.json`). */
  samples: ReadonlySet<string>;
}

/** Where a collector's sample envelope lives (samples/envelopes/<id>.json). */
export function sampleEnvelopePath(collectorId: string): string {
  return `samples/envelopes/${collectorId}.json`;
}

const SCOPES: Record<CollectorScope, string> = {
  region: 'account × region',
  account: 'account (all regions)',
  local: 'local files, once per run',
};

/** The window a collector's envelope covers, in words. */
function describeWindow(c: Collector): string {
  if (c.scope === 'local') return 'the files as read at the run';
  if (c.retentionDays === undefined) return 'point in time (the run’s start)';
  const keeps = c.retentionDays >= 365 ? `${c.retentionDays} days (~${Math.round(c.retentionDays / 365)} years)` : `${c.retentionDays} days`;
  return `since the previous capture of this source (else the period’s start), at most ${keeps} back: what the source keeps`;
}

/** An operation with its IAM action when that is named differently. */
function describeOperation(operation: string): string {
  const actions = iamActionsFor(operation);
  if (actions.length === 1 && actions[0] === operation) return `\`${operation}\``;
  if (actions.length === 0) return `\`${operation}\` (no permission needed)`;
  return `\`${operation}\` → ${actions.map((a) => `\`${a}\``).join(' + ')}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * docs/COLLECTORS.md: every collector of the registry with its scope, source group, window,
 * API operations and IAM actions, schema and sample envelope; the runner's own calls; and the
 * operations whose IAM action is named differently. Pure: the same registry gives the same bytes.
 */
export function renderCollectorsDoc(input: CollectorsDocInput): string {
  const { collectors, samples } = input;
  const collectionOps = [...collectors.flatMap((c) => c.operations), ...Object.keys(RUNNER_OPERATIONS)].filter((op) => !(op in WITHHELD_OPERATIONS));
  const readActions = iamActionsForOperations(collectionOps);
  const lines: string[] = [
    '<!-- Generated from the collector registry (src/collectors/index.ts) and src/aws/iam-actions.ts by `npm run docs`. Do not edit. -->',
    '# Collectors',
    '',
    'Each collector reads one kind of evidence and writes one envelope per account × region (or per account, or per run) into the snapshot: `evidence/<account>/<region>/<collector>.json`, validated against its schema in `evidence-schemas/`. A call that is denied or fails is a gap in the envelope, never a silent omission. `collect --only` takes a source group (`state`, `jobs`, `events`, `history`, `records`), a service (the part of the id before the dot) or a collector id.',
    '',
    '| id | evidence | scope | group | window | schema | sample |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of collectors) {
    const sample = sampleEnvelopePath(c.id);
    const scope = `${SCOPES[c.scope]}${c.appliesTo ? ' ¹' : ''}`;
    lines.push(
      `| \`${c.id}\` | ${cell(c.title)} | ${scope} | \`${c.group}\` | ${cell(describeWindow(c))} | [\`${c.schema}\`](../evidence-schemas/${c.schema}.schema.json) | ${samples.has(sample) ? `[${sample}](../${sample})` : '—'} |`,
    );
  }
  lines.push(
    '',
    '¹ Runs only where the collector applies (its `appliesTo`): with an `aggregator` in the config, `config.aggregate-resources` runs once in the aggregator’s account and `config.resources` is skipped.',
    '',
    '## API operations and IAM actions',
    '',
    'The operations each collector may call, as recorded in every envelope’s provenance; where the IAM action has another name it follows the arrow. `test/unit/iam-policy.test.ts` reads the operations from the code itself and fails when a collector’s list, or `deploy/iam-policy.json`, disagrees with it.',
    '',
    '| id | API operations (→ IAM action when named differently) | IAM actions |',
    '|---|---|---|',
  );
  for (const c of collectors) {
    const ops = c.operations.length > 0 ? c.operations.map(describeOperation).join(', ') : 'none (reads local files)';
    lines.push(`| \`${c.id}\` | ${ops} | ${iamActionsForOperations(c.operations).length} |`);
  }
  lines.push('', '### Calls outside the collectors', '', '| operation | IAM action | when |', '|---|---|---|');
  for (const [op, why] of Object.entries(RUNNER_OPERATIONS)) {
    const actions = iamActionsFor(op);
    const granted = op in WITHHELD_OPERATIONS ? 'not in the read policy (below)' : actions.length === 0 ? 'none needed' : actions.map((a) => `\`${a}\``).join(', ');
    lines.push(`| \`${op}\` | ${granted} | ${cell(why)} |`);
  }
  lines.push(
    '',
    '## IAM policies',
    '',
    `- \`deploy/iam-policy.json\` — read-only, ${readActions.length} actions: every action above, nothing else (Describe/Get/List/Lookup/BatchGet only). Attach it to the role proofpack reads each account with (\`deploy/cloudformation/member-read-role.yaml\` embeds it). \`organizations:ListAccounts\` is a statement of its own: it only works in the management account or a delegated administrator, and is harmless elsewhere.`,
    '- `deploy/iam-store-policy.json` — the S3 evidence store (`store: s3://…`), on the store bucket only: `s3:ListBucket`, `s3:GetBucketLocation`, `s3:GetBucketObjectLockConfiguration` on the bucket; `s3:GetObject`, `s3:PutObject`, `s3:PutObjectRetention` on its objects. Replace `EVIDENCE_BUCKET` (and narrow `/*` to your prefix). It never allows a delete: evidence is write-once. With SSE-KMS on the bucket, also allow `kms:GenerateDataKey` and `kms:Decrypt` on that key.',
    '',
    'Left out of both on purpose:',
    '',
  );
  for (const [op, why] of Object.entries(WITHHELD_OPERATIONS)) lines.push(`- \`${op}\`: ${why}`);
  lines.push('', '### Operations whose IAM action is named differently', '', '| operation | IAM actions | source |', '|---|---|---|');
  for (const [op, exception] of Object.entries(IAM_ACTION_EXCEPTIONS)) {
    lines.push(`| \`${op}\` | ${exception.actions.length > 0 ? exception.actions.map((a) => `\`${a}\``).join(', ') : 'none'} | ${cell(exception.why)} |`);
  }
  lines.push('', 'Every other operation needs the IAM action of its own name (`backup:ListBackupJobs`, `config:BatchGetResourceConfig`, `cloudwatch:DescribeAlarms`, `kms:ListAliases`…). The mapping lives in `src/aws/iam-actions.ts`.', '');
  return lines.join('\n');
}
