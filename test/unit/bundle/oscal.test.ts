import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAssessmentResults, OSCAL_PROP_NS, toOscalDateTime, type EvaluationForBundle, type EvidenceForOscal } from '../../../src/bundle/oscal.js';
import { OSCAL_SCHEMA_FILE, validateAssessmentResults } from '../../../src/bundle/oscal-schema.js';
import { NAMESPACE_DNS, NAMESPACE_URL, uuidV5 } from '../../../src/bundle/uuid.js';
import { sha256Hex } from '../../../src/util/hash.js';
import type { ControlResult, Evaluation } from '../../../src/controls/types.js';
import { ACCOUNT, EVALUATION } from '../../support/bundle-fixtures.js';

interface Doc {
  'assessment-results': {
    uuid: string;
    metadata: { 'oscal-version': string; 'last-modified': string };
    results: Array<{
      start: string;
      end: string;
      'reviewed-controls': { 'control-selections': Array<{ 'include-controls'?: Array<{ 'control-id': string }> }> };
      observations: Array<{ uuid: string; title: string; types: string[]; props?: Array<{ name: string; value: string }>; 'relevant-evidence'?: Array<{ href?: string; description: string }> }>;
      findings: Array<{ uuid: string; title: string; target: { 'target-id': string; status: { state: string; reason?: string; remarks?: string } }; 'related-observations': Array<{ 'observation-uuid': string }> }>;
    }>;
    'back-matter': { resources: Array<{ uuid: string; title?: string; rlinks?: Array<{ href: string; hashes: Array<{ algorithm: string; value: string }> }> }> };
  };
}

const evidence: EvidenceForOscal[] = [
  {
    id: `20260315T020000Z-a2_${ACCOUNT}_us-west-2_s3.buckets`,
    path: `evidence/A1.2/replication.s3/20260315T020000Z-a2_${ACCOUNT}_us-west-2_s3.buckets.json`,
    sha256: sha256Hex('envelope bytes'),
    snapshotId: '20260315T020000Z-a2',
    schema: 's3.buckets.v1',
    account: ACCOUNT,
    region: 'us-west-2',
  },
  {
    id: `20260115T020000Z-a0_${ACCOUNT}_us-east-1_s3.buckets`,
    path: `evidence/A1.2/replication.s3/20260115T020000Z-a0_${ACCOUNT}_us-east-1_s3.buckets.json`,
    sha256: sha256Hex('other envelope'),
    controls: ['replication.s3'],
  },
];
const metadata = { organization: 'Larkspur Health, Inc.', system: 'Larkspur Care Platform', generatedAt: '2026-07-01T06:00:00Z' };

test('uuidV5 matches RFC 4122 / Python uuid.uuid5 reference values', () => {
  expect(uuidV5('www.example.com', NAMESPACE_DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  expect(uuidV5('python.org', NAMESPACE_DNS)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  expect(uuidV5('https://proofpack.dev/ns', NAMESPACE_URL)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(() => uuidV5('x', 'not-a-uuid')).toThrow(TypeError);
});

test('the assessment results validate against NIST OSCAL 1.1.2 assessment-results schema', () => {
  const doc = buildAssessmentResults(EVALUATION, evidence, metadata);
  expect(validateAssessmentResults(doc)).toEqual([]);
  // The vendored schema is NIST's file, unchanged (hash noted in evidence-schemas/vendor/README.md).
  const vendored = readFileSync(OSCAL_SCHEMA_FILE);
  expect(sha256Hex(vendored)).toBe('7528433244941a179e26d27e2b7a04cc259be0893f95c4f6674935ae24b30712');
  expect(readFileSync(path.join(path.dirname(OSCAL_SCHEMA_FILE), 'README.md'), 'utf8')).toContain(sha256Hex(vendored));
  expect((JSON.parse(vendored.toString('utf8')) as { $id: string }).$id).toBe('http://csrc.nist.gov/ns/oscal/1.1.2/oscal-ar-schema.json');
});

test('the validator really rejects invalid documents', () => {
  const doc = buildAssessmentResults(EVALUATION, evidence, metadata) as unknown as Doc;
  const broken = structuredClone(doc) as unknown as { 'assessment-results': Record<string, unknown> };
  delete broken['assessment-results']['import-ap'];
  expect(validateAssessmentResults(broken)).toContain("assessment-results: must have required property 'import-ap'");
  const badUuid = structuredClone(doc);
  badUuid['assessment-results'].results[0].findings[0].uuid = 'finding-1';
  expect(validateAssessmentResults(badUuid).join('\n')).toMatch(/findings\[0\]\.uuid: must match pattern/);
});

test('every control and every status maps to valid OSCAL, including no controls at all', () => {
  const statuses = ['pass', 'fail', 'not_applicable', 'error', 'waived'] as const;
  const evaluation: EvaluationForBundle = {
    period: { start: '2026-01-01', end: '2026-12-31' },
    controls: statuses.map((status, i) => ({
      id: `control.${status.replace('_', '-')}`,
      title: `Control ${i}`,
      criteria: ['A1.2', 'CC7.1'],
      status,
      summary: i === 0 ? '' : ` summary with\nnewlines  and  spaces `,
      exceptions:
        status === 'pass'
          ? []
          : [
              {
                resource: `res-${i}`,
                account: ACCOUNT,
                region: 'eu-west-1',
                from: '2026-03-01T00:00:00Z',
                to: '2026-03-02T00:00:00Z',
                message: '  multi\nline message ',
                evidence: ['not-in-bundle'],
                ...(status === 'waived' ? { waived: { reason: 'legacy system\nretired in Q3', approver: 'CISO', expires: '2026-09-30' } } : {}),
              },
            ],
    })),
  };
  const doc = buildAssessmentResults(evaluation, [], metadata) as unknown as Doc;
  expect(validateAssessmentResults(doc)).toEqual([]);
  const states = Object.fromEntries(doc['assessment-results'].results[0].findings.filter((f) => !f.title.includes(' exception: ')).map((f) => [f.target['target-id'], f.target.status.state]));
  expect(states).toEqual({
    'control.pass': 'satisfied',
    'control.fail': 'not-satisfied',
    'control.not-applicable': 'satisfied',
    'control.error': 'not-satisfied',
    'control.waived': 'not-satisfied',
  });
  const waivedException = doc['assessment-results'].results[0].findings.find((f) => f.title === 'control.waived exception: res-4')!;
  expect(waivedException.target.status).toEqual({ state: 'not-satisfied', reason: 'other', remarks: 'Waived: legacy system\nretired in Q3; approved by CISO; expires 2026-09-30.' });

  const empty = buildAssessmentResults({ period: { start: '2026-01-01', end: '2026-12-31' }, controls: [] }, [], metadata);
  expect(validateAssessmentResults(empty)).toEqual([]);
});

test('one result for the period; an observation and a finding per control and per exception', () => {
  const doc = buildAssessmentResults(EVALUATION, evidence, metadata) as unknown as Doc;
  const ar = doc['assessment-results'];
  expect(ar.metadata['oscal-version']).toBe('1.1.2');
  expect(ar.metadata['last-modified']).toBe('2026-07-01T06:00:00Z');
  expect(ar.results).toHaveLength(1);
  const [result] = ar.results;
  expect([result.start, result.end]).toEqual(['2026-01-01T00:00:00Z', '2026-06-30T23:59:59Z']);
  expect(result['reviewed-controls']['control-selections'][0]['include-controls']).toEqual([{ 'control-id': 'monitoring.cloudtrail' }, { 'control-id': 'replication.s3' }]);
  // 2 controls + 1 exception.
  expect(result.observations.map((o) => [o.title, o.types[0]])).toEqual([
    ['monitoring.cloudtrail: A multi-region trail logs with log file validation throughout the period', 'control-objective'],
    ['replication.s3: In-scope buckets are versioned and replicate to another approved region', 'control-objective'],
    ['replication.s3 exception: arn:aws:s3:::records-us-west-2', 'finding'],
  ]);
  expect(result.findings.map((f) => [f.title, f.target['target-id'], f.target.status.state])).toEqual([
    ['monitoring.cloudtrail: operated effectively throughout the period', 'monitoring.cloudtrail', 'satisfied'],
    ['replication.s3 exception: arn:aws:s3:::records-us-west-2', 'replication.s3', 'not-satisfied'],
    ['replication.s3: exceptions were found', 'replication.s3', 'not-satisfied'],
  ]);
  const controlFinding = result.findings.find((f) => f.title === 'replication.s3: exceptions were found')!;
  const exceptionObservation = result.observations.find((o) => o.types[0] === 'finding')!;
  expect(controlFinding['related-observations'].map((r) => r['observation-uuid'])).toContain(exceptionObservation.uuid);
  expect(exceptionObservation.props).toEqual(expect.arrayContaining([{ name: 'resource', ns: OSCAL_PROP_NS, value: 'arn:aws:s3:::records-us-west-2' }, { name: 'region', ns: OSCAL_PROP_NS, value: 'us-west-2' }]));
});

test('back-matter resources point at the evidence files (relative to the OSCAL file) with their SHA-256; observations link to them', () => {
  const doc = buildAssessmentResults(EVALUATION, evidence, metadata) as unknown as Doc;
  const resources = doc['assessment-results']['back-matter'].resources;
  const evidenceResources = resources.filter((r) => r.rlinks);
  expect(evidenceResources.map((r) => r.rlinks![0])).toEqual(
    [...evidence]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((e) => ({ href: `../${e.path}`, 'media-type': 'application/json', hashes: [{ algorithm: 'SHA-256', value: e.sha256 }] })),
  );
  const observation = doc['assessment-results'].results[0].observations.find((o) => o.title.startsWith('replication.s3 exception'))!;
  const linked = observation['relevant-evidence']!.map((r) => r.href);
  const resource = evidenceResources.find((r) => r.rlinks![0].href.endsWith(`${evidence[0].id}.json`))!;
  expect(linked).toEqual([`#${resource.uuid}`]);
  // Evidence associated with a control (not an exception) is linked from the control's observation.
  const controlObservation = doc['assessment-results'].results[0].observations.find((o) => o.title.startsWith('replication.s3:'))!;
  expect(controlObservation['relevant-evidence']!.map((r) => r.href)).toHaveLength(2);
});

test('deterministic: the same input gives identical JSON and UUIDs; another period gives other UUIDs', () => {
  const a = JSON.stringify(buildAssessmentResults(EVALUATION, evidence, metadata));
  const b = JSON.stringify(buildAssessmentResults({ ...EVALUATION, controls: [...EVALUATION.controls].reverse() }, [...evidence].reverse(), metadata));
  expect(b).toBe(a);
  const other = buildAssessmentResults({ ...EVALUATION, period: { start: '2026-07-01', end: '2026-12-31' } }, evidence, metadata) as unknown as Doc;
  expect(other['assessment-results'].uuid).not.toBe((JSON.parse(a) as Doc)['assessment-results'].uuid);
  const uuids = a.match(/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g)!;
  // Every definition is unique (references repeat them).
  const defined = [...a.matchAll(/"uuid":"([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(defined).size).toBe(defined.length);
  expect(uuids.length).toBeGreaterThan(defined.length);
});

test('period edges: dates become the start and end of the UTC day', () => {
  expect(toOscalDateTime('2026-01-01', 'start')).toBe('2026-01-01T00:00:00Z');
  expect(toOscalDateTime('2026-06-30', 'end')).toBe('2026-06-30T23:59:59Z');
  expect(toOscalDateTime('2026-06-30T12:00:00.000Z', 'end')).toBe('2026-06-30T12:00:00Z');
});

test("evaluate's real Evaluation type is accepted as is; deviations are observed without a finding, unevaluated exceptions are 'other'", () => {
  const result = (id: string, status: ControlResult['status'], exceptions: ControlResult['exceptions']): ControlResult => ({
    id,
    title: `Title of ${id}`,
    criteria: ['A1.2'],
    status,
    summary: `${id} summary`,
    exceptions,
    measurements: [],
    sources: ['backup.jobs'],
    counts: { failures: 0, deviations: 0, unevaluated: 0, waived: 0 },
  });
  const at = { account: ACCOUNT, region: 'us-east-1', from: '2026-02-01T05:00:00Z', to: '2026-02-01T05:00:00Z', evidence: [] };
  const evaluation: Evaluation = {
    period: { start: '2026-01-01', end: '2026-06-30' },
    controls: [
      result('backup.job-success', 'pass', [{ ...at, kind: 'deviation', resource: 'job-1', message: 'One failed job; the success rate still meets the target.' }]),
      result('backup.vault-immutable', 'error', [{ ...at, kind: 'unevaluated', resource: 'vault-a', message: 'No vault evidence for us-east-1.' }]),
      result('replication.s3', 'waived', [
        { ...at, kind: 'failure', resource: 'bucket-b', message: 'Not replicated.', waived: { pattern: 'bucket-*', approver: 'CISO', reason: 'Retired', expires: '2026-12-31' } },
      ]),
    ],
    coverage: {} as Evaluation['coverage'],
    waivers: [],
    snapshots: [],
    summary: { pass: 1, fail: 0, not_applicable: 0, error: 1, waived: 1 },
  };
  // Compile-time: the real type must stay assignable to what the bundle consumes.
  const consumed: EvaluationForBundle = evaluation;
  const doc = buildAssessmentResults(consumed, [], metadata) as unknown as Doc;
  expect(validateAssessmentResults(doc)).toEqual([]);
  const { observations, findings } = doc['assessment-results'].results[0];
  expect(observations.map((o) => [o.title, o.types[0]])).toEqual([
    ['backup.job-success: Title of backup.job-success', 'control-objective'],
    ['backup.vault-immutable: Title of backup.vault-immutable', 'control-objective'],
    ['replication.s3: Title of replication.s3', 'control-objective'],
    ['backup.job-success deviation: job-1', 'control-objective'],
    ['backup.vault-immutable exception: vault-a', 'finding'],
    ['replication.s3 exception: bucket-b', 'finding'],
  ]);
  expect(findings.map((f) => [f.title, f.target.status.state, f.target.status.reason])).toEqual([
    ['backup.job-success: operated effectively throughout the period', 'satisfied', 'pass'],
    ['backup.vault-immutable exception: vault-a', 'not-satisfied', 'other'],
    ['backup.vault-immutable: could not be evaluated', 'not-satisfied', 'other'],
    ['replication.s3 exception: bucket-b', 'not-satisfied', 'other'],
    ['replication.s3: exceptions were found and waived by management', 'not-satisfied', 'other'],
  ]);
  // The deviation is linked from its control's finding.
  const deviation = observations.find((o) => o.title.includes('deviation'))!;
  expect(findings[0]['related-observations'].map((r) => r['observation-uuid'])).toContain(deviation.uuid);
});
