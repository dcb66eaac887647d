import path from 'node:path';
import { TOOL_VERSION } from '../version.js';
import { PROOFPACK_NAMESPACE, uuidV5 } from './uuid.js';

/**
 * The part of `evaluate`'s result (issue 4) that the bundle consumes. The real evaluation type
 * must stay assignable to this interface (a type test can hold it).
 */
export interface EvaluationForBundle {
  period: { start: string; end: string };
  controls: ReadonlyArray<{
    id: string;
    title: string;
    criteria: readonly string[];
    status: 'pass' | 'fail' | 'not_applicable' | 'error' | 'waived';
    summary: string;
    exceptions: ReadonlyArray<{
      resource: string;
      account: string;
      region: string;
      from: string;
      to: string;
      message: string;
      /**
       * `failure` (default): the control is not met; `unevaluated`: could not be evaluated;
       * `deviation`: an event within tolerance, listed for the auditor (no finding of its own).
       */
      kind?: 'failure' | 'deviation' | 'unevaluated';
      /** Evidence ids behind the exception. */
      evidence: readonly string[];
      waived?: { reason?: string; approver?: string; expires?: string };
    }>;
  }>;
}

/** One evidence file in the bundle, as the OSCAL back-matter points to it. */
export interface EvidenceForOscal {
  /** Evidence id (`<snapshotId>_<account>_<region>_<collector>`), as exceptions name it. */
  id: string;
  /** Path inside the bundle, e.g. `evidence/A1.2/backup.vault-immutable/<id>.json`. */
  path: string;
  sha256: string;
  snapshotId?: string;
  collector?: string;
  schema?: string;
  account?: string;
  region?: string;
  /** Controls this evidence supports (besides those whose exceptions name it). */
  controls?: readonly string[];
}

export interface OscalMetadata {
  organization: string;
  system: string;
  /** ISO 8601 UTC: metadata.last-modified and every observation's `collected`. */
  generatedAt: string;
  toolVersion?: string;
  /** Where the document sits in the bundle; evidence links are relative to it. Default `oscal/assessment-results.json`. */
  documentPath?: string;
}

export const OSCAL_VERSION = '1.1.2';
export const OSCAL_DOCUMENT_PATH = 'oscal/assessment-results.json';
/** Namespace of proofpack's own OSCAL properties. */
export const OSCAL_PROP_NS = 'https://proofpack.dev/ns/oscal';

type Prop = { name: string; value: string; ns?: string; class?: string };
type Json = Record<string, unknown>;

const STATUS_TARGET: Record<EvaluationForBundle['controls'][number]['status'], { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other'; words: string }> = {
  pass: { state: 'satisfied', reason: 'pass', words: 'operated effectively throughout the period' },
  fail: { state: 'not-satisfied', reason: 'fail', words: 'exceptions were found' },
  waived: { state: 'not-satisfied', reason: 'other', words: 'exceptions were found and waived by management' },
  error: { state: 'not-satisfied', reason: 'other', words: 'could not be evaluated' },
  not_applicable: { state: 'satisfied', reason: 'other', words: 'not applicable to this system' },
};

/**
 * OSCAL 1.1.2 assessment-results for the period: one result; per control an observation and a
 * finding (target = the control id, status satisfied / not-satisfied); per exception another
 * observation and finding; back-matter resources for every evidence file with its SHA-256. All
 * UUIDs are v5 from stable names, so the same evaluation gives the same document.
 */
export function buildAssessmentResults(evaluation: EvaluationForBundle, evidenceList: readonly EvidenceForOscal[], metadata: OscalMetadata): { 'assessment-results': Json } {
  const { organization, system, generatedAt } = metadata;
  const toolVersion = metadata.toolVersion ?? TOOL_VERSION;
  const documentDir = path.posix.dirname(metadata.documentPath ?? OSCAL_DOCUMENT_PATH);
  const start = toOscalDateTime(evaluation.period.start, 'start');
  const end = toOscalDateTime(evaluation.period.end, 'end');
  const docUuid = uuidV5(['assessment-results', organization, system, evaluation.period.start, evaluation.period.end].join('\n'), PROOFPACK_NAMESPACE);
  const id = (...parts: string[]) => uuidV5(parts.join('\n'), docUuid);

  const evidenceById = new Map<string, EvidenceForOscal>();
  for (const e of [...evidenceList].sort((a, b) => compare(a.path, b.path))) if (!evidenceById.has(e.id)) evidenceById.set(e.id, e);
  const resourceUuid = (e: EvidenceForOscal) => id('resource', 'evidence', e.path);
  const planUuid = id('resource', 'assessment-plan');

  const relevantEvidence = (ids: Iterable<string>) =>
    [...new Set(ids)].sort(compare).map((evidenceId) => {
      const e = evidenceById.get(evidenceId);
      return e
        ? { href: `#${resourceUuid(e)}`, description: `Evidence ${evidenceId} (${describeEvidence(e)}), SHA-256 ${e.sha256}.` }
        : { description: `Evidence ${evidenceId}, named by the evaluation, is not included in this bundle.` };
    });

  const controlObservations: Json[] = [];
  const exceptionObservations: Json[] = [];
  const findings: Json[] = [];
  const controls = [...evaluation.controls].sort((a, b) => compare(a.id, b.id));
  for (const control of controls) {
    const target = STATUS_TARGET[control.status];
    const controlEvidence = [
      ...evidenceList.filter((e) => e.controls?.includes(control.id)).map((e) => e.id),
      ...control.exceptions.flatMap((x) => x.evidence),
    ];
    const controlObservation = id('observation', 'control', control.id);
    const relatedObservations: string[] = [];
    control.exceptions.forEach((exception, index) => {
      const key = ['exception', control.id, String(index), exception.resource, exception.account, exception.region, exception.from];
      const observationUuid = id('observation', ...key);
      relatedObservations.push(observationUuid);
      const waiver = exception.waived;
      const kind = exception.kind ?? 'failure';
      const props = compactProps([
        prop('control-id', control.id),
        prop('exception-kind', kind),
        prop('resource', exception.resource),
        prop('account', exception.account),
        prop('region', exception.region),
        prop('window-start', exception.from),
        prop('window-end', exception.to),
        prop('waived', waiver ? 'true' : 'false'),
        waiver?.reason ? prop('waiver-reason', waiver.reason) : undefined,
        waiver?.approver ? prop('waiver-approver', waiver.approver) : undefined,
        waiver?.expires ? prop('waiver-expires', waiver.expires) : undefined,
      ]);
      const evidence = relevantEvidence(exception.evidence);
      exceptionObservations.push(
        compact({
          uuid: observationUuid,
          title: `${control.id} ${kind === 'deviation' ? 'deviation' : 'exception'}: ${exception.resource}`,
          description: text(exception.message, `Exception on ${exception.resource}.`),
          props,
          methods: ['TEST'],
          // A deviation is an event within tolerance: observed and listed, not a finding.
          types: [kind === 'deviation' ? 'control-objective' : 'finding'],
          'relevant-evidence': evidence,
          collected: generatedAt,
        }),
      );
      if (kind === 'deviation') return;
      findings.push(
        compact({
          uuid: id('finding', ...key),
          title: `${control.id} exception: ${exception.resource}`,
          description: text(exception.message, `Exception on ${exception.resource}.`),
          props,
          target: {
            type: 'objective-id',
            'target-id': control.id,
            status: compact({
              state: 'not-satisfied',
              reason: waiver || kind === 'unevaluated' ? 'other' : 'fail',
              remarks: waiver ? describeWaiver(waiver) : kind === 'unevaluated' ? 'Could not be evaluated (missing or invalid evidence).' : undefined,
            }),
          },
          'related-observations': [{ 'observation-uuid': observationUuid }],
        }),
      );
    });
    const controlProps = compactProps([prop('control-id', control.id), prop('status', control.status), ...control.criteria.map((c) => prop('criterion', c)), prop('exceptions', String(control.exceptions.length))]);
    controlObservations.push(
      compact({
        uuid: controlObservation,
        title: `${control.id}: ${control.title}`,
        description: text(control.summary, `${control.title}: ${target.words}.`),
        props: controlProps,
        methods: ['TEST'],
        types: ['control-objective'],
        'relevant-evidence': relevantEvidence(controlEvidence),
        collected: generatedAt,
      }),
    );
    findings.push(
      compact({
        uuid: id('finding', 'control', control.id),
        title: `${control.id}: ${target.words}`,
        description: text(control.summary, `${control.title}: ${target.words}.`),
        props: controlProps,
        target: {
          type: 'objective-id',
          'target-id': control.id,
          status: { state: target.state, reason: target.reason, remarks: `proofpack status: ${control.status} (${target.words}).` },
        },
        'related-observations': [controlObservation, ...relatedObservations].map((uuid) => ({ 'observation-uuid': uuid })),
      }),
    );
  }
  // Observations: every control's first, then the exceptions, each group in control order, for readers.
  const observations = [...controlObservations, ...exceptionObservations];

  const resources: Json[] = [
    {
      uuid: planUuid,
      title: 'Assessment plan',
      description: `proofpack's control catalogue mapped to the AICPA Trust Services Criteria, evaluated over ${evaluation.period.start} to ${evaluation.period.end}. No separate OSCAL assessment plan exists; the controls assessed are listed in reviewed-controls.`,
    },
    ...[...evidenceById.values()].map((e) =>
      compact({
        uuid: resourceUuid(e),
        title: `Evidence ${e.id}`,
        description: describeEvidence(e),
        props: compactProps([
          e.snapshotId ? prop('snapshot-id', e.snapshotId) : undefined,
          e.collector ? prop('collector', e.collector) : undefined,
          e.schema ? prop('schema', e.schema) : undefined,
          e.account ? prop('account', e.account) : undefined,
          e.region ? prop('region', e.region) : undefined,
        ]),
        rlinks: [{ href: relativeHref(documentDir, e.path), 'media-type': 'application/json', hashes: [{ algorithm: 'SHA-256', value: e.sha256 }] }],
      }),
    ),
  ];

  const result = compact({
    uuid: id('result', 'period'),
    title: `SOC 2 Type II control results, ${evaluation.period.start} to ${evaluation.period.end}`,
    description: `Controls of ${system} (${organization}) evaluated by proofpack ${toolVersion} from evidence collected over the observation period ${evaluation.period.start} to ${evaluation.period.end}.`,
    start,
    end,
    'reviewed-controls': {
      'control-selections': [controls.length ? { 'include-controls': controls.map((c) => ({ 'control-id': c.id })) } : { remarks: 'No controls were evaluated.' }],
    },
    observations,
    findings,
  });

  return {
    'assessment-results': compact({
      uuid: docUuid,
      metadata: {
        title: `SOC 2 Type II assessment results: ${system}`,
        'last-modified': generatedAt,
        version: generatedAt,
        'oscal-version': OSCAL_VERSION,
        props: [prop('tool', `proofpack ${toolVersion}`)],
        parties: [{ uuid: id('party', organization), type: 'organization', name: text(organization.replace(/\s+/g, ' '), 'Organization') }],
      },
      'import-ap': { href: `#${planUuid}`, remarks: 'proofpack assesses its own control catalogue; see the back-matter resource.' },
      results: [result],
      'back-matter': { resources },
    }),
  };
}

/** `YYYY-MM-DD` → start or end of that UTC day; a full date-time is kept. */
export function toOscalDateTime(value: string, edge: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${edge === 'start' ? '00:00:00' : '23:59:59'}Z`;
  return new Date(value).toISOString().replace(/\.000Z$/, 'Z');
}

function describeEvidence(e: EvidenceForOscal): string {
  const parts = [e.schema ?? e.collector, e.account && e.region ? `${e.account} ${e.region}` : e.account, e.snapshotId ? `snapshot ${e.snapshotId}` : undefined].filter(Boolean);
  return parts.length ? parts.join(', ') : e.path;
}

function describeWaiver(waiver: NonNullable<EvaluationForBundle['controls'][number]['exceptions'][number]['waived']>): string {
  return ['Waived', waiver.reason ? `: ${waiver.reason}` : '', waiver.approver ? `; approved by ${waiver.approver}` : '', waiver.expires ? `; expires ${waiver.expires}` : '', '.'].join('');
}

function relativeHref(fromDir: string, target: string): string {
  return path.posix
    .relative(fromDir, target)
    .split('/')
    .map((segment) => (segment === '..' ? segment : encodeURIComponent(segment)))
    .join('/');
}

function prop(name: string, value: string): Prop | undefined {
  // OSCAL strings are non-empty with no leading or trailing whitespace, on one line.
  const clean = value.replace(/\s+/g, ' ').trim();
  return clean ? { name, ns: OSCAL_PROP_NS, value: clean } : undefined;
}

function compactProps(props: Array<Prop | undefined>): Prop[] {
  return props.filter((p): p is Prop => p !== undefined);
}

function text(value: string | undefined, fallback: string): string {
  return value?.trim() ? value.trim() : fallback;
}

/** Drops undefined values and empty arrays (OSCAL arrays have minItems 1). */
function compact(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
