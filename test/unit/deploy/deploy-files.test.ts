import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../../src/config/load-config.js';
import { POLICY_TEMPLATES, parseTemplate, readPolicyPaths } from '../../../scripts/deploy-policy.js';
import { packageRoot } from '../../../src/util/paths.js';

const deployDir = path.join(packageRoot, 'deploy');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

const files = listFiles(deployDir);
const rel = (f: string) => path.relative(packageRoot, f);
const read = (p: string) => readFileSync(path.join(packageRoot, p), 'utf8');

type Json = Record<string, unknown>;

test('every YAML and JSON file under deploy/ parses', () => {
  const structured = files.filter((f) => /\.(ya?ml|json)$/.test(f));
  expect(structured.map(rel).sort()).toEqual([
    'deploy/cloudformation/member-read-role.yaml',
    'deploy/cloudformation/scheduler-fargate.yaml',
    'deploy/github-actions/proofpack.yml',
    'deploy/iam-policy.json',
    'deploy/iam-store-policy.json',
    'deploy/kubernetes/cronjobs.yaml',
  ]);
  for (const file of structured) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.json')) {
      expect(() => JSON.parse(text)).not.toThrow();
      continue;
    }
    const docs = parseAllDocuments(text);
    for (const doc of Array.isArray(docs) ? docs : [docs]) expect({ file: rel(file), errors: doc.errors.map((e) => e.message) }).toEqual({ file: rel(file), errors: [] });
  }
});

test('the CloudFormation templates pass cfn-lint', () => {
  const templates = files.filter((f) => f.includes(`${path.sep}cloudformation${path.sep}`));
  expect(templates).toHaveLength(2);
  const result = spawnSync('cfn-lint', ['--format', 'parseable', ...templates], { encoding: 'utf8' });
  expect(result.error).toBeUndefined();
  expect({ status: result.status, findings: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, findings: '' });
});

test('the templates embed exactly deploy/iam-policy.json (scripts/sync-deploy-policy.ts keeps them in step)', () => {
  const policy = JSON.parse(read('deploy/iam-policy.json')) as Json;
  expect(policy).toMatchObject({ Version: '2012-10-17', Statement: expect.any(Array) });
  // Read-only: no statement allows a write, delete or permission-changing action (CloudTrail Lake's
  // StartQuery only reads events).
  const actions = (policy.Statement as Array<{ Action: string | string[] }>).flatMap((s) => [s.Action].flat());
  const readOnly = /^[a-z0-9-]+:(Describe|Get|List|Lookup|BatchGet|Select|Search)[A-Za-z]*\*?$|^cloudtrail:StartQuery$/;
  expect(actions.filter((a) => !readOnly.test(a))).toEqual([]);
  for (const template of POLICY_TEMPLATES) {
    const js = parseTemplate(readFileSync(template, 'utf8'), template).toJS() as Json;
    const paths = readPolicyPaths(js);
    expect(paths.length).toBeGreaterThan(0);
    for (const at of paths) {
      const node = at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], js) as { PolicyDocument: unknown };
      expect({ template: rel(template), policy: node.PolicyDocument }).toEqual({ template: rel(template), policy });
    }
  }
});

test('the EventBridge Scheduler template: two schedules running Fargate tasks; the task role can write evidence but not delete it', () => {
  const js = parseTemplate(read('deploy/cloudformation/scheduler-fargate.yaml'), 'scheduler').toJS() as { Resources: Record<string, { Type: string; Properties: Json }> };
  const schedules = Object.values(js.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
  expect(schedules).toHaveLength(2);
  for (const s of schedules) expect(s.Properties.Target).toMatchObject({ EcsParameters: { LaunchType: 'FARGATE' } });
  const commands = Object.values(js.Resources)
    .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .map((r) => (r.Properties.ContainerDefinitions as Array<{ Command: string[]; User: string; ReadonlyRootFilesystem: boolean }>)[0]);
  expect(commands.map((c) => c.Command[0].match(/proofpack collect [^&]*/)![0])).toEqual([
    expect.stringContaining('--only jobs,events'),
    expect.not.stringContaining('--only'),
  ]);
  for (const c of commands) expect(c).toMatchObject({ User: '10001:10001', ReadonlyRootFilesystem: true });
  const taskPolicies = JSON.stringify(js.Resources.TaskRole.Properties.Policies);
  expect(taskPolicies).toContain('s3:PutObjectRetention');
  expect(taskPolicies).not.toMatch(/s3:DeleteObject|BypassGovernanceRetention|s3:\*/);
});

test('the GitHub Actions workflow: daily jobs+events, monthly full collect in shards, OIDC, run log artifact', () => {
  const wf = parseAllDocuments(read('deploy/github-actions/proofpack.yml'))[0].toJS() as {
    on: { schedule: Array<{ cron: string }> };
    permissions: Json;
    jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Json }>; strategy?: { matrix: { shard: number[] } }; needs?: string }>;
  };
  expect(wf.on.schedule.map((s) => s.cron)).toEqual(['17 2 * * *', '43 3 1 * *']);
  expect(wf.permissions['id-token']).toBe('write');
  const runs = (job: string) => wf.jobs[job].steps.map((s) => s.run ?? '').join('\n');
  expect(runs('daily')).toMatch(/proofpack collect -c "\$PROOFPACK_CONFIG" --only jobs,events/);
  expect(runs('monthly')).toMatch(/proofpack collect -c "\$PROOFPACK_CONFIG"\s+--shard "\$\{\{ matrix.shard \}\}\/\$\{MONTHLY_SHARDS\}"/);
  expect(runs('monthly')).not.toContain('--only');
  expect(wf.jobs.monthly.strategy!.matrix.shard).toHaveLength(Number((wf as unknown as { env: Json }).env.MONTHLY_SHARDS));
  expect(runs('merge')).toContain('proofpack merge');
  for (const job of ['daily', 'monthly', 'merge']) {
    const creds = wf.jobs[job].steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds?.with).toMatchObject({ 'role-to-assume': '${{ vars.PROOFPACK_ROLE_ARN }}' });
  }
  for (const job of ['daily', 'merge']) {
    const upload = wf.jobs[job].steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(String(upload?.with?.path)).toContain('runs.jsonl');
  }
});

test('the Kubernetes CronJobs: daily and monthly (indexed shards), IRSA, non-root, and a config that validates', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes/cronjobs.yaml')).map((d) => d.toJS() as Json & { kind: string; metadata: Json; spec: Json; data?: Json });
  const account = docs.find((d) => d.kind === 'ServiceAccount')!;
  expect((account.metadata.annotations as Json)['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
  const cronJobs = docs.filter((d) => d.kind === 'CronJob') as unknown as Array<{ metadata: { name: string }; spec: { schedule: string; jobTemplate: { spec: Json & { template: { spec: Json } } } } }>;
  expect(cronJobs.map((c) => [c.metadata.name, c.spec.schedule])).toEqual([
    ['proofpack-daily', '17 2 * * *'],
    ['proofpack-monthly', '43 3 1 * *'],
  ]);
  for (const cron of cronJobs) {
    const pod = cron.spec.jobTemplate.spec.template.spec as { serviceAccountName: string; securityContext: Json; containers: Array<{ args: string[]; securityContext: Json }> };
    expect(pod.serviceAccountName).toBe('proofpack');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  }
  const [daily, monthly] = cronJobs.map((c) => c.spec.jobTemplate.spec.template.spec as { containers: Array<{ args: string[] }> });
  expect(daily.containers[0].args.join(' ')).toContain('collect -c /config/proofpack.yaml --only jobs,events');
  expect(cronJobs[1].spec.jobTemplate.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
  expect(monthly.containers[0].args.join(' ')).toContain('--shard "$((JOB_COMPLETION_INDEX + 1))/4" --run-id "$RUN_ID"');

  const configMap = docs.find((d) => d.kind === 'ConfigMap')!;
  const { config } = parseConfig(String(configMap.data!['proofpack.yaml']), { file: 'deploy/kubernetes/cronjobs.yaml (ConfigMap)' });
  expect(config.store).toMatch(/^s3:\/\//);
  expect(config.schedules?.map((s) => s.cadence)).toEqual(['daily', 'monthly']);
});

test('the Dockerfile: Node 22 on Debian with Chromium and fonts, a non-root user, proofpack as the entrypoint', () => {
  const dockerfile = read('deploy/Dockerfile');
  expect(dockerfile).toMatch(/^ARG NODE_VERSION=22$/m);
  expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim$/m);
  expect(dockerfile).toMatch(/apt-get install[^\n]*\n\s+chromium fonts-dejavu-core fonts-liberation/);
  expect(dockerfile).toMatch(/PUPPETEER_EXECUTABLE_PATH=\/usr\/bin\/chromium/);
  const users = [...dockerfile.matchAll(/^USER (.+)$/gm)].map((m) => m[1]);
  expect(users).toEqual(['10001:10001']);
  expect(dockerfile.trim().split('\n').filter((l) => /^(ENTRYPOINT|CMD)/.test(l))).toEqual(['ENTRYPOINT ["/usr/bin/tini", "--", "proofpack"]', 'CMD ["--help"]']);
  // Everything the image copies from the build context is let through by its .dockerignore.
  const allowed = read('deploy/Dockerfile.dockerignore').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/\*\*$/, ''));
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
  expect(copied.filter((c) => !allowed.includes(c))).toEqual([]);
});

test('every deployment names the IAM policy it needs', () => {
  for (const file of ['deploy/Dockerfile', 'deploy/github-actions/proofpack.yml', 'deploy/kubernetes/cronjobs.yaml', ...POLICY_TEMPLATES.map(rel)]) {
    expect({ file, mentions: read(file).includes('deploy/iam-policy.json') }).toEqual({ file, mentions: true });
  }
});
