import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import { ConfigError, type InputIssue } from '../errors.js';
import { addProofpackFormats } from '../evidence/schemas.js';
import { schemasDir } from '../util/paths.js';
import type { ProofpackConfig } from './config.generated.js';
import { isAwsRegion } from './regions.js';
import type { Config, LoadedConfig } from './types.js';

export const DEFAULT_CONFIG_FILE = 'proofpack.yaml';

let validator: ReturnType<Ajv['compile']> | undefined;
function configValidator() {
  if (!validator) {
    const schema = JSON.parse(readFileSync(path.join(schemasDir, 'config.schema.json'), 'utf8')) as object;
    const ajv = addProofpackFormats(new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true }));
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Ids of the controls in the catalogue, for checking waivers (set by src/controls at import). */
let knownControlIds: ReadonlySet<string> | undefined;
export function registerControlIds(ids: Iterable<string>): void {
  knownControlIds = new Set(ids);
}

/**
 * Reads and validates `proofpack.yaml`. Returns the config with defaults filled in and paths
 * made absolute, plus warnings; throws ConfigError listing every problem (file, line, path,
 * what was expected).
 */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const configPath = path.resolve(file);
  const shown = path.relative(process.cwd(), configPath) || configPath;
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `no such file; create one with \`proofpack init\` or pass -c FILE`
        : `cannot read the file (${(error as Error).message})`;
    throw new ConfigError([{ file: shown, path: '', message }], { cause: error });
  }
  return parseConfig(text, { file: shown, configPath });
}

/** Validates config text (YAML or JSON). `file` is the name used in messages. */
export function parseConfig(text: string, options: { file: string; configPath?: string }): LoadedConfig {
  const file = options.file;
  const configPath = options.configPath ? path.resolve(options.configPath) : '';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, path: '', line: lineOf(e.pos[0]), message: `not valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const raw = doc.toJS() as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ file, path: '', message: 'expected a mapping of keys (organization, system, period, accounts, regions, store)' }]);
  }
  const issues: InputIssue[] = [];
  const issue = (p: Array<string | number>, message: string) =>
    issues.push({ file, path: formatPath(p), line: lineOfPath(doc, p, lineOf), message });

  const coerced = coerceAccountIds(raw as Record<string, unknown>, issue);
  const validate = configValidator();
  if (!validate(raw)) {
    for (const e of simplifyErrors(validate.errors ?? [], raw)) {
      if (coerced.has(e.instancePath)) continue; // already explained by coerceAccountIds
      const { at, message, lineAt } = describeError(e);
      issues.push({ file, path: formatPath(at), line: lineOfPath(doc, lineAt ?? at, lineOf), message });
    }
  }
  semanticChecks(raw as Partial<ProofpackConfig>, issue);
  if (issues.length > 0) throw new ConfigError(dedupe(issues).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));

  const parsed = raw as ProofpackConfig;
  const configDir = configPath ? path.dirname(configPath) : process.cwd();
  const resolvePath = (p: string | undefined) => (p === undefined ? undefined : path.resolve(configDir, p));
  const config: Config = {
    ...(parsed as Omit<ProofpackConfig, 'targets'>),
    store: parsed.store.startsWith('s3://') ? parsed.store : path.resolve(configDir, parsed.store),
    ...(parsed.narrative ? { narrative: resolvePath(parsed.narrative) } : {}),
    ...(parsed.diagrams ? { diagrams: resolvePath(parsed.diagrams) } : {}),
    ...(parsed.drTests ? { drTests: resolvePath(parsed.drTests) } : {}),
    regionPairs: parsed.regionPairs ?? [],
    scope: parsed.scope ?? {},
    residency: parsed.residency ?? [],
    targets: parsed.targets as Config['targets'],
    waivers: parsed.waivers ?? [],
    report: parsed.report as Config['report'],
    collection: parsed.collection as Config['collection'],
    configPath,
    configDir,
  };
  return { config, warnings: collectWarnings(config) };
}

/**
 * YAML reads an unquoted 12-digit account id as a number; accept it, and explain other numbers.
 * Returns the JSON pointers already reported, so the schema's own message is not repeated.
 */
function coerceAccountIds(raw: Record<string, unknown>, issue: (p: Array<string | number>, m: string) => void): Set<string> {
  const reported = new Set<string>();
  const fix = (value: unknown, at: Array<string | number>): unknown => {
    if (typeof value !== 'number') return value;
    const digits = String(value);
    if (/^\d{12}$/.test(digits)) return digits;
    issue(at, `${digits} is not a 12-digit account id; write account ids in quotes ("012345678901") so leading zeros are kept`);
    reported.add('/' + at.join('/'));
    return value;
  };
  if (Array.isArray(raw.accounts)) {
    raw.accounts.forEach((a, i) => {
      if (a && typeof a === 'object' && 'id' in a) (a as Record<string, unknown>).id = fix((a as Record<string, unknown>).id, ['accounts', i, 'id']);
    });
  }
  for (const key of ['aggregator', 'backupOrganizationView', 'eventDataStore']) {
    const holder = raw[key] as Record<string, unknown> | undefined;
    if (holder && typeof holder === 'object' && 'account' in holder) holder.account = fix(holder.account, [key, 'account']);
  }
  return reported;
}

/** For `accounts` (a list or an organization query), keep only the errors of the form the user wrote. */
function simplifyErrors(errors: ErrorObject[], raw: unknown): ErrorObject[] {
  const accounts = (raw as Record<string, unknown>).accounts;
  if (accounts !== undefined && (accounts === null || typeof accounts !== 'object')) {
    // Neither form: one line that names both.
    return errors.filter((e) => !e.instancePath.startsWith('/accounts') || (e.keyword === 'oneOf' && e.instancePath === '/accounts'));
  }
  const isList = Array.isArray(accounts);
  const otherForm = isList
    ? ['#/properties/accounts/oneOf/1', '#/definitions/organizationAccounts']
    : ['#/properties/accounts/oneOf/0', '#/definitions/account'];
  const kept = errors.filter((e) => !otherForm.some((prefix) => e.schemaPath.startsWith(prefix)));
  const specific = kept.some((e) => e.instancePath.startsWith('/accounts') && e.keyword !== 'oneOf');
  return kept.filter((e) => !(e.keyword === 'oneOf' && e.instancePath === '/accounts' && specific));
}

function describeError(e: ErrorObject): { at: Array<string | number>; message: string; lineAt?: Array<string | number> } {
  const at = pointerToSegments(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const value = (e as ErrorObject & { data?: unknown }).data;
  switch (e.keyword) {
    case 'required':
      return { at, message: `missing required key "${String(params.missingProperty)}"` };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(key, known);
      return {
        at,
        lineAt: [...at, key],
        message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}${known.length ? `; expected one of ${known.join(', ')}` : ''}`,
      };
    }
    case 'format':
      if (params.format === 'aws-region') return { at, message: `${JSON.stringify(value)} is not an AWS region` };
      if (params.format === 'date') return { at, message: `${JSON.stringify(value)} is not a date; expected YYYY-MM-DD` };
      return { at, message: `${JSON.stringify(value)} is not a valid ${String(params.format)}` };
    case 'type':
      return { at, message: `expected ${article(String(params.type))}, got ${describeType(value)}` };
    case 'pattern':
      if (at.at(-1) === 'id' || at.at(-1) === 'account') return { at, message: `${JSON.stringify(value)} is not a 12-digit AWS account id` };
      if (at.at(-1) === 'roleArn') return { at, message: `${JSON.stringify(value)} is not an IAM role ARN (arn:aws:iam::123456789012:role/name)` };
      return { at, message: `${JSON.stringify(value)} does not match ${String(params.pattern)}` };
    case 'enum':
      return { at, message: `${JSON.stringify(value)} is not one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'minItems':
      return { at, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { at, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'uniqueItems':
      return { at, message: `lists the same value twice (items ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))})` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { at, message: `${JSON.stringify(value)} ${e.message ?? ''}`.trim() };
    case 'minProperties':
      return { at, message: 'must have at least one key' };
    case 'oneOf':
      return { at, message: 'expected a list of accounts ({ id, name, roleArn? }) or { organization: true, roleName }' };
    default:
      return { at, message: e.message ?? e.keyword };
  }
}

/** Checks the schema cannot express. Each runs only on the parts that are well-formed. */
function semanticChecks(c: Partial<ProofpackConfig>, issue: (p: Array<string | number>, m: string) => void): void {
  const isDate = (v: unknown): v is string => {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  };
  const period = c.period;
  if (period && isDate(period.start) && isDate(period.end) && period.end < period.start) {
    issue(['period'], `end ${period.end} is before start ${period.start}`);
  }
  const regions = new Set(Array.isArray(c.regions) ? c.regions.filter((r) => typeof r === 'string' && isAwsRegion(r)) : []);
  if (Array.isArray(c.regionPairs) && regions.size > 0) {
    c.regionPairs.forEach((pair, i) => {
      if (!pair || typeof pair !== 'object') return;
      for (const side of ['primary', 'secondary'] as const) {
        const r = pair[side];
        if (typeof r === 'string' && isAwsRegion(r) && !regions.has(r)) {
          issue(['regionPairs', i, side], `"${r}" is not one of the regions in scope (${[...regions].join(', ')})`);
        }
      }
      if (pair.primary && pair.primary === pair.secondary) issue(['regionPairs', i], `primary and secondary are both "${pair.primary}"`);
    });
  }
  if (Array.isArray(c.accounts)) {
    const seen = new Map<string, number>();
    c.accounts.forEach((a, i) => {
      if (!a || typeof a !== 'object' || typeof a.id !== 'string') return;
      if (seen.has(a.id)) issue(['accounts', i, 'id'], `account ${a.id} is listed twice (also accounts[${seen.get(a.id)}])`);
      seen.set(a.id, i);
      const roleAccount = typeof a.roleArn === 'string' ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(a.roleArn)?.[1] : undefined;
      if (roleAccount && roleAccount !== a.id) issue(['accounts', i, 'roleArn'], `role is in account ${roleAccount}, not ${a.id}`);
    });
  }
  // The Config aggregator is read with the credentials of one collected account (src/collectors/config/aggregate-resources.ts).
  const aggregator = c.aggregator;
  if (aggregator && typeof aggregator === 'object') {
    if (Array.isArray(c.accounts) && typeof aggregator.account === 'string' && !c.accounts.some((a) => a?.id === aggregator.account)) {
      issue(['aggregator', 'account'], `account ${aggregator.account} is not one of the accounts in scope; the aggregator is read with that account's role`);
    } else if (c.accounts && typeof c.accounts === 'object' && !Array.isArray(c.accounts) && aggregator.account === undefined) {
      issue(['aggregator'], 'name the account that holds the aggregator (aggregator.account): with an organization query there is no first listed account to read it with');
    }
  }
  // Organization-wide views run with the role of one account in scope.
  const inScope = (id: string) => !Array.isArray(c.accounts) || c.accounts.some((a) => a?.id === id);
  const backupView = c.backupOrganizationView;
  if (backupView && typeof backupView === 'object' && typeof backupView.account === 'string' && !inScope(backupView.account)) {
    issue(['backupOrganizationView', 'account'], `account ${backupView.account} is not one of the accounts in scope; the organization's backup jobs are listed with that account's role`);
  }
  const lake = c.eventDataStore;
  if (lake && typeof lake === 'object' && typeof lake.arn === 'string') {
    const queryAccount = eventDataStoreAccount(lake);
    if (queryAccount && !inScope(queryAccount)) {
      issue(['eventDataStore', lake.account ? 'account' : 'arn'], `account ${queryAccount} is not one of the accounts in scope; the event data store is queried with that account's role${lake.account ? '' : ' (set eventDataStore.account to query it from another account)'}`);
    }
  }
  if (Array.isArray(c.waivers) && knownControlIds) {
    const ids = knownControlIds;
    c.waivers.forEach((w, i) => {
      if (!w || typeof w.control !== 'string' || ids.has(w.control)) return;
      const guess = closest(w.control, [...ids]);
      issue(['waivers', i, 'control'], `"${w.control}" is not a control id${guess ? ` (did you mean "${guess}"?)` : ''}`);
    });
  }
  if (typeof c.store === 'string' && c.store.startsWith('s3://') && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(c.store)) {
    issue(['store'], `"${c.store}" is not an S3 location; expected s3://bucket or s3://bucket/prefix`);
  }
  if (c.storeRetention && typeof c.store === 'string' && !c.store.startsWith('s3://')) issue(['storeRetention'], 'applies only to an s3:// store');
}

function collectWarnings(c: Config): string[] {
  const warnings: string[] = [];
  const days = (Date.parse(`${c.period.end}T00:00:00Z`) - Date.parse(`${c.period.start}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > 366) warnings.push(`period: ${days} days is longer than a year; SOC 2 Type II periods are usually 6-12 months`);
  if (days < 90) warnings.push(`period: ${days} days is shorter than 3 months; a Type II period is usually at least 3 months`);
  if (c.regionPairs.length === 0 && c.regions.length > 1) {
    warnings.push('regionPairs: none set; cross-region copy and region parity controls will be not applicable');
  }
  for (const w of c.waivers) {
    if (w.expires < c.period.start) warnings.push(`waivers: the waiver for ${w.control} on ${w.resource} expired on ${w.expires}, before the period`);
  }
  return warnings;
}

function lineOfPath(doc: Document, segments: Array<string | number>, lineOf: (o: number | undefined) => number | undefined): number | undefined {
  for (let n = segments.length; n >= 0; n -= 1) {
    const node = n === 0 ? doc.contents : (doc.getIn(segments.slice(0, n), true) as Node | undefined);
    if (node && (node as Node).range) {
      // For a mapping, point at the key line when we can.
      if (n > 0 && typeof segments[n - 1] === 'string') {
        const parent = n === 1 ? doc.contents : (doc.getIn(segments.slice(0, n - 1), true) as Node | undefined);
        if (parent && isMap(parent)) {
          const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === segments[n - 1]);
          const keyRange = (pair?.key as Node | undefined)?.range;
          if (keyRange) return lineOf(keyRange[0]);
        }
      }
      if (isSeq(node) || isMap(node) || (node as Node).range) return lineOf((node as Node).range![0]);
    }
  }
  return undefined;
}

function pointerToSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function formatPath(segments: Array<string | number>): string {
  return segments.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false' };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d <= Math.max(2, Math.floor(c.length / 3)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) dp[0][j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

function dedupe(issues: InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The account that queries a CloudTrail Lake event data store: `account`, else the one in its ARN. */
export function eventDataStoreAccount(store: { arn: string; account?: string }): string | undefined {
  return store.account ?? /^arn:[^:]+:cloudtrail:[^:]+:(\d{12}):/.exec(store.arn)?.[1];
}

/** The region of a CloudTrail Lake event data store, from its ARN. */
export function eventDataStoreRegion(store: { arn: string }): string | undefined {
  return /^arn:[^:]+:cloudtrail:([^:]+):/.exec(store.arn)?.[1];
}
