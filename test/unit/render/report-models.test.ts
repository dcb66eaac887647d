import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv } from '../../../src/bundle/csv.js';
import { InputError } from '../../../src/errors.js';
import { evaluatePeriod } from '../../../src/period/evaluate-period.js';
import { renderReportDocuments } from '../../../src/render/report-documents.js';
import type { Block, CellValue, DocumentModel, Section, TableBlock } from '../../../src/render/document-model.js';
import { listDocumentModelProblems } from '../../../src/render/document-model.js';
import { buildControlResultsModel, formatRefs } from '../../../src/render/control-results.js';
import { buildDiagramsIndexModel, buildRegionDiagrams } from '../../../src/render/diagrams-index.js';
import { buildEstateFacts } from '../../../src/render/estate-facts.js';
import { buildEvidenceIndexCsv, buildEvidenceIndexModel, bundleFolderOf, EVIDENCE_INDEX_CSV_COLUMNS } from '../../../src/render/evidence-index.js';
import { parseNarrative, type LoadedNarrative } from '../../../src/render/narrative.js';
import { renderRegionDiagramSvg, wrapText } from '../../../src/render/region-diagram.js';
import { buildSystemDescriptionModel, compareNarrativeRegions, DC200_SECTION_TITLES } from '../../../src/render/system-description.js';
import type { UserDiagrams } from '../../../src/render/user-diagrams.js';
import type { ReportContext } from '../../../src/report/types.js';
import { ACCOUNT, createFixtureStore } from '../../support/evidence-fixtures.js';
import { solidPng } from '../../support/images.js';
import { createReportFixture, FIXTURE_NARRATIVE, fixtureConfig, type ReportFixture } from '../../support/report-documents-fixture.js';

/**
 * The four document models, built from a small real evidence set (snapshots in a LocalEvidenceStore,
 * evaluated by evaluatePeriod). Snapshots keep long tables short; targeted assertions check the
 * facts each document must state.
 */

let f: ReportFixture;
let context: ReportContext;
const narrative: LoadedNarrative = { file: 'narrative.yaml', sha256: 'f'.repeat(64), narrative: parseNarrative(FIXTURE_NARRATIVE, 'narrative.yaml') };
const png = solidPng(4, 2, [10, 20, 30]);
const diagrams: UserDiagrams = {
  folder: 'diagrams',
  diagrams: [
    {
      file: 'network.png',
      path: '/abs/diagrams/network.png',
      bundleName: 'network.png',
      title: 'Network overview',
      titleFrom: 'sidecar',
      description: 'VPCs and the links between regions.',
      lastChanged: '2026-02-01',
      lastChangedFrom: 'sidecar',
      sidecar: 'network.yaml',
      sha256: 'a'.repeat(64),
      size: png.length,
      format: 'png',
      dataUri: `data:image/png;base64,${png.toString('base64')}`,
    },
    {
      file: 'runbook.pdf',
      path: '/abs/diagrams/runbook.pdf',
      bundleName: 'runbook.pdf',
      title: 'runbook',
      titleFrom: 'file name',
      lastChanged: '2026-03-04T05:06:07.000Z',
      lastChangedFrom: 'file modification time',
      sha256: 'b'.repeat(64),
      size: 12,
      format: 'other',
      note: 'not an image format the index embeds (PNG, JPEG, GIF, WebP, SVG); the file is in the bundle',
    },
  ],
};

beforeAll(async () => {
  f = await createReportFixture();
  context = f.context;
});
afterAll(() => f?.cleanup());

/** A model with each table cut to its first rows (and its length), so snapshots stay readable. */
function condensed(model: DocumentModel): unknown {
  const block = (b: Block): unknown => {
    if (b.kind === 'table' && b.rows.length > 8) return { ...b, rows: [...b.rows.slice(0, 8), [`… ${b.rows.length - 8} more rows`]] };
    if (b.kind === 'svg') return { ...b, svg: `<svg …${b.svg.length} characters>` };
    if (b.kind === 'image') return { ...b, dataUri: `${b.dataUri.slice(0, 40)}…` };
    return b;
  };
  return { ...model, sections: model.sections.map((s) => ({ ...s, blocks: s.blocks.map(block) })) };
}

function section(model: DocumentModel, id: string): Section {
  const s = model.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
}

function tables(s: Section): TableBlock[] {
  return s.blocks.filter((b): b is TableBlock => b.kind === 'table');
}

const text = (v: CellValue): string => (v === null ? '' : typeof v === 'object' ? (v.label ?? v.status) : String(v));

describe('System Description', () => {
  it('is a valid model (snapshot)', () => {
    const model = buildSystemDescriptionModel(context, narrative);
    expect(listDocumentModelProblems(model)).toEqual([]);
    expect(condensed(model)).toMatchSnapshot();
  });

  it('has the DC 200 sections in order, a draft notice, and marks facts from evidence as generated', () => {
    const model = buildSystemDescriptionModel(context, narrative);
    expect(model.notice).toBe('Draft for management review');
    const titles = model.sections.map((s) => s.title);
    const positions = DC200_SECTION_TITLES.map((t) => titles.indexOf(t));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const id of ['components.infrastructure.scope', 'components.infrastructure.inventory', 'components.infrastructure.replication', 'components.infrastructure.backup', 'components.infrastructure.monitoring', 'components.procedures.dr']) {
      expect(section(model, id).blocks.every((b) => b.generated === true)).toBe(true);
    }
    // People's text is not marked.
    expect(section(model, 'services').blocks).toEqual([{ kind: 'paragraph', text: 'Larkspur Care Platform hosts clinical records for outpatient clinics.' }]);
  });

  it('states the estate: regions and pairs, replication, backup copies and vault locks, monitoring, DR tests', () => {
    const model = buildSystemDescriptionModel(context, narrative);
    const replication = tables(section(model, 'components.infrastructure.replication'))[0].rows.map((r) => r.map(text));
    expect(replication).toEqual(
      expect.arrayContaining([
        expect.arrayContaining(['S3 replication', 'us-east-1 → us-west-2', 'records', 'records-replica']),
        expect.arrayContaining(['RDS read replica', 'us-east-1 → us-west-2', 'claims', 'claims-replica']),
        expect.arrayContaining(['DynamoDB global table', 'us-east-1 ⇄ us-west-2', 'members']),
        expect.arrayContaining(['KMS multi-Region key', 'us-east-1 → us-west-2', 'alias/care-data']),
      ]),
    );
    const [plans, vaults, copies] = tables(section(model, 'components.infrastructure.backup'));
    expect(plans.rows.map((r) => r.map(text))).toEqual([[`${ACCOUNT} (prod)`, 'us-east-1', 'daily', 'daily', 'cron(0 5 * * ? *)', '35 days', 'primary', 'us-west-2: secondary, 35 days']]);
    expect(vaults.rows.map((r) => [r[2], text(r[3])])).toEqual([
      ['primary', 'Compliance mode'],
      ['secondary', 'Governance mode'],
    ]);
    expect(copies.rows.map((r) => r.map(text))).toEqual([[`${ACCOUNT} (prod)`, 'us-east-1 → us-west-2', '2', '1', '0']]);
    const dr = tables(section(model, 'components.procedures.dr'))[0].rows.map((r) => r.map(text));
    expect(dr.map((r) => r[1])).toEqual(['Game day', 'Restore test']);
    const trails = tables(section(model, 'components.infrastructure.monitoring'))[0].rows.map((r) => r.map(text));
    expect(trails).toEqual([[`${ACCOUNT} (prod)`, 'org-trail', 'us-east-1', 'yes', 'yes', 'yes', 'no']]);
  });

  it('lists significant changes from Config history: the replication removed and restored, the bucket created', () => {
    const model = buildSystemDescriptionModel(context, narrative);
    const [byType, settings, lifecycle] = tables(section(model, 'changes'));
    expect(byType.rows[0].map(text)).toEqual(['S3 bucket (AWS::S3::Bucket)', '3', '2', '3']);
    expect(settings.rows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['2026-02-10 09:00', 'records', 'S3 bucket replication: to records-replica → none'],
      ['2026-02-20 16:00', 'records', 'S3 bucket replication: none → to records-replica'],
    ]);
    expect(lifecycle.rows.map((r) => [r[0], r[2], r[3]])).toEqual([['2026-03-05 11:00', 'exports', 'S3 bucket exports created']]);
  });

  it('finds the region the narrative names without resources, and the in-scope region it never names', () => {
    const facts = buildEstateFacts(context.view, context.config);
    const findings = compareNarrativeRegions(narrative.narrative, facts);
    const contradictions = findings.filter((x) => x.finding !== 'consistent' && x.finding !== 'not-named');
    expect(contradictions.map((x) => [x.region, x.finding])).toEqual([
      ['eu-west-1', 'in-scope-not-named'],
      ['us-east-2', 'named-without-resources'],
    ]);
    expect(contradictions[1].message).toContain('as “US East (Ohio)”, in infrastructure');
    expect(contradictions[1].message).toContain('the config does not list this region');
    expect(findings.find((x) => x.region === 'us-west-2')).toMatchObject({ finding: 'consistent', namedAs: 'US West (Oregon)' });
    const model = buildSystemDescriptionModel(context, narrative);
    const callout = section(model, 'narrative-vs-evidence').blocks.find((b) => b.kind === 'callout');
    expect(callout).toMatchObject({ tone: 'danger', title: '2 contradictions' });
  });

  it('without a narrative: each people-written section says it was not provided', () => {
    const model = buildSystemDescriptionModel(context, null);
    for (const id of ['services', 'commitments', 'components.people', 'incidents', 'subservice', 'cuecs', 'not-relevant']) {
      const first = section(model, id).blocks[0];
      expect(first).toMatchObject({ kind: 'callout', tone: 'warning', title: 'Not provided' });
      expect((first as { text: string }).text).toMatch(/No narrative file is configured/);
    }
    expect(section(model, 'narrative-vs-evidence').blocks[0]).toMatchObject({ title: 'Not compared' });
    // The facts are there all the same.
    expect(tables(section(model, 'components.infrastructure.replication'))[0].rows.length).toBeGreaterThan(0);
  });
});

describe('Diagrams Index', () => {
  it('is a valid model (snapshot)', () => {
    const model = buildDiagramsIndexModel(context, diagrams);
    expect(listDocumentModelProblems(model)).toEqual([]);
    expect(condensed(model)).toMatchSnapshot();
  });

  it('lists user diagrams with hash and bundle path, embeds images, and draws one diagram per account', () => {
    const model = buildDiagramsIndexModel(context, diagrams);
    expect(tables(section(model, 'user'))[0].rows).toEqual([
      ['network.png', 'Network overview', '2026-02-01', 'a'.repeat(64), '02_Diagrams/network.png'],
      ['runbook.pdf', 'runbook', '2026-03-04 05:06 (file time)', 'b'.repeat(64), '02_Diagrams/runbook.pdf'],
    ]);
    expect(section(model, 'user-1').blocks.find((b) => b.kind === 'image')).toMatchObject({ dataUri: diagrams.diagrams[0].dataUri, alt: 'Network overview' });
    expect(section(model, 'user-2').blocks.some((b) => b.kind === 'image')).toBe(false);
    const generated = section(model, 'generated-1');
    expect(generated.title).toBe(`Account ${ACCOUNT} (prod)`);
    expect(generated.blocks[0]).toMatchObject({ kind: 'svg', generated: true });
  });

  it('the generated SVG shows the regions, the pair, and labelled replication and backup-copy flows', () => {
    const [diagram] = buildRegionDiagrams(context, buildEstateFacts(context.view, context.config));
    const svg = diagram.svg;
    expect(svg).not.toMatch(/<script|<foreignObject|href=/i);
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) expect(svg).toContain(`>${region}</text>`);
    expect(svg).toContain('>Primary; pair with us-west-2</text>');
    expect(svg).toContain('>Secondary; pair with us-east-1</text>');
    expect(svg.match(/fill="#edf1f6"/g)).toHaveLength(1);
    expect(svg).toContain('→ S3 replication ×1');
    expect(svg).toContain('⇄ DynamoDB global table ×1');
    expect(svg).toContain('→ Copy jobs: 2 completed, 1 failed');
    expect(svg).toContain('→ Backup plan copy rule ×1');
    // Backup copies are dashed, replication solid, each with its arrowhead.
    expect(svg).toMatch(/<line [^>]*stroke="#a35f00"[^>]*stroke-dasharray="7 4"[^>]*marker-end="url\(#arrow-backup-copy\)"/);
    expect(svg).toMatch(/<line [^>]*stroke="#1f5fa8"[^>]*marker-end="url\(#arrow-replication\)" marker-start="url\(#arrow-replication\)"/);
  });

  it('escapes what it draws, and draws flows between rows', () => {
    const svg = renderRegionDiagramSvg({
      title: 'Account <b>&"x"',
      regions: [
        { region: 'us-east-1', lines: ['S3 buckets: <img src=x>'] },
        { region: 'eu-west-1', lines: [] },
        { region: 'ap-south-1', lines: [] },
      ],
      pairs: [],
      flows: [{ kind: 's3-replication', category: 'replication', account: ACCOUNT, from: 'us-east-1', to: 'ap-south-1', source: 'a', target: 'b', scope: 'in', detail: '', evidence: [] }],
    });
    expect(svg).toContain('<title>Account &lt;b&gt;&amp;&quot;x&quot;</title>');
    expect(svg).toContain('S3 buckets: &lt;img src=x&gt;');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('no resources in the evidence');
    // us-east-1 and eu-west-1 share the first row; ap-south-1, below us-east-1, is reached around the boxes through the left margin.
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ H[\d.]+ V[\d.]+ H[\d.]+" stroke="#1f5fa8"[^>]*marker-end="url\(#arrow-replication\)"/);
    expect(svg).toContain('>us-east-1 → ap-south-1:</text>');
    expect(svg).toContain('→ S3 replication ×1');
  });

  it('wraps text at word boundaries and cuts words longer than a line', () => {
    expect(wrapText('Backup vaults: 1 (1 compliance lock)', 10, 100)).toEqual(['Backup vaults: 1', '(1 compliance', 'lock)']);
    expect(wrapText('abcdefghijklmnopqrstuvwxyz', 10, 55)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
  });
});

describe('Control Results', () => {
  it('is a valid model (snapshot)', () => {
    const model = buildControlResultsModel(context);
    expect(listDocumentModelProblems(model)).toEqual([]);
    expect(condensed(model)).toMatchSnapshot();
  });

  it('summarises by criterion, then each control with its condition, measure, status, exceptions and waivers', () => {
    const model = buildControlResultsModel(context);
    const byCriterion = tables(section(model, 'summary.criteria'))[0].rows;
    for (const c of context.evaluation.controls) {
      for (const criterion of c.criteria) expect(byCriterion.some((r) => r[0] === criterion && r[1] === c.id)).toBe(true);
    }
    const s3 = section(model, 'control-replication.s3');
    const kv = s3.blocks[0] as Extract<Block, { kind: 'keyValues' }>;
    expect(kv.items.slice(0, 3).map((i) => [i.key, text(i.value)])).toEqual([
      ['Compliant when', 'In-scope S3 buckets are versioned and replicate to another approved region throughout the period'],
      ['Criteria', 'A1.2'],
      ['Status', 'fail'],
    ]);
    expect(s3.blocks[1]).toMatchObject({ kind: 'callout', title: 'How it is measured' });
    const [exceptions, cited, waivers] = tables(s3);
    expect(exceptions.rows.map((r) => [text(r[0]), r[1], r[2], r[3]])).toEqual([
      ['Failure', 'eu-archive', `${ACCOUNT} (prod) eu-west-1`, '2026-01-01 00:00 → 2026-04-01 00:00'],
      ['Waived', 'records', `${ACCOUNT} (prod) us-east-1`, '2026-02-10 09:00 → 2026-02-20 16:00'],
    ]);
    // A list too long for a PDF is cut by the engine, which then points to the CSV with every exception.
    expect(exceptions.fullData?.path).toBe('05_Exceptions.csv');
    expect(exceptions.rows[1][4]).toMatch(/— Waived by Priya Raman \(CTO\) until 2026-12-31 \(records\): Replication paused/);
    // Every evidence id an exception cites is printed in full once, with its folder in the bundle.
    const citedIds = cited.rows.map((r) => r[1]);
    const control = context.evaluation.controls.find((c) => c.id === 'replication.s3')!;
    expect(new Set(citedIds)).toEqual(new Set(control.exceptions.flatMap((e) => e.evidence)));
    expect(cited.rows[0][2]).toMatch(/^evidence\/A1\.2\/[a-z0-9.-]+\/$/);
    expect(waivers.rows.map((r) => [r[0], r[1], text(r[4]), r[5]])).toEqual([['records', 'Priya Raman (CTO)', 'Applied', 1]]);
  });

  it('shows the coverage ledger and its gaps with reasons', () => {
    const model = buildControlResultsModel(context);
    const gaps = tables(section(model, 'coverage.gaps'))[0].rows;
    const ledgerGaps = context.coverage.cells.flatMap((c) => c.gaps);
    expect(gaps).toHaveLength(ledgerGaps.length);
    expect(gaps.some((r) => r[0] === 'backup.selections' && r[5] === 'no snapshot')).toBe(true);
    expect(tables(section(model, 'coverage.ledger'))[0].rows).toHaveLength(context.coverage.cells.length);
  });

  it('formats evidence references as ranges', () => {
    expect(formatRefs([3, 1, 2, 5, 7, 8])).toBe('E1–E3, E5, E7, E8');
    expect(formatRefs([])).toBe('');
  });
});

describe('Evidence Index', () => {
  it('is a valid model (snapshot)', () => {
    const model = buildEvidenceIndexModel(context);
    expect(listDocumentModelProblems(model)).toEqual([]);
    expect(condensed(model)).toMatchSnapshot();
  });

  it('prints every row, in id order, landscape, pointing to the CSV', () => {
    const model = buildEvidenceIndexModel(context);
    expect(model.orientation).toBe('landscape');
    const [items] = tables(section(model, 'items'));
    expect(items.rows.map((r) => r[0])).toEqual(context.evidenceIndex.map((r) => r.id).sort());
    expect(items.pdfRowLimit).toBeGreaterThanOrEqual(context.evidenceIndex.length);
    expect(items.fullData?.path).toBe('04_Evidence_Index.csv');
    const row = context.evidenceIndex[0];
    expect(bundleFolderOf(row)).toBe(row.bundlePath.slice(0, row.bundlePath.length - `${row.id}.json`.length));
    expect(bundleFolderOf({ id: 'x', bundlePath: 'elsewhere/y.json' })).toBe('elsewhere/y.json');
    // Operations and controls are listed once per source.
    const sources = tables(section(model, 'sources'))[0].rows;
    expect(sources.find((r) => r[0] === 's3.buckets')?.[2]).toContain('s3:GetBucketReplication');
  });

  it('the CSV holds every field of every row (RFC 4180), formula-safe', () => {
    const hostile: ReportContext = {
      ...context,
      evidenceIndex: [...context.evidenceIndex, { ...context.evidenceIndex[0], id: 'zz_hostile', region: '=HYPERLINK("http://x")', operations: ['a:B', 'c,"d"'] }],
    };
    const { comments, records } = parseCsv(buildEvidenceIndexCsv(hostile));
    expect(comments[0]).toBe('# proofpack evidence index: Larkspur Health, Inc. · Larkspur Care Platform');
    expect(records[0]).toEqual([...EVIDENCE_INDEX_CSV_COLUMNS]);
    expect(records.slice(1).map((r) => r[0])).toEqual(hostile.evidenceIndex.map((r) => r.id).sort());
    const last = records[records.length - 1];
    expect(last[7]).toBe('\'=HYPERLINK("http://x")');
    expect(last[5]).toBe('a:B; c,"d"');
    const first = context.evidenceIndex.map((r) => r.id).sort()[0];
    const source = context.evidenceIndex.find((r) => r.id === first)!;
    expect(records[1]).toEqual([
      source.id,
      source.snapshotId,
      source.collector,
      source.criteria.join('; '),
      source.controls.join('; '),
      source.operations.join('; '),
      source.account,
      source.region,
      source.window.start,
      source.window.end,
      String(source.recordCount),
      source.collectedAt,
      source.sha256,
      source.bundlePath,
    ]);
  });
});

describe('edge cases', () => {
  it('an empty store still gives four valid documents that say what is missing', async () => {
    const store = await createFixtureStore();
    try {
      const config = fixtureConfig(store.dir);
      const { view, coverage, evaluation } = await evaluatePeriod(config, { store: store.store });
      const empty: ReportContext = { config, view, coverage, evaluation, evidenceIndex: [], bundleId: 'b-1', bundleName: 'b.zip', generatedAt: '2026-04-01T00:00:00Z' };
      const models = [buildSystemDescriptionModel(empty, null), buildDiagramsIndexModel(empty, { folder: null, diagrams: [] }), buildControlResultsModel(empty), buildEvidenceIndexModel(empty)];
      for (const m of models) expect(listDocumentModelProblems(m)).toEqual([]);
      const sd = models[0];
      expect(section(sd, 'components.infrastructure.inventory').blocks[0]).toMatchObject({ kind: 'callout', title: 'No inventory' });
      expect(section(sd, 'changes').blocks[0]).toMatchObject({ kind: 'callout', title: 'No configuration history' });
      expect(tables(section(models[3], 'items'))[0]).toMatchObject({ rows: [], emptyText: 'No evidence items.' });
    } finally {
      await store.cleanup();
    }
  });

  it('a bad narrative and a bad diagram sidecar are one InputError naming both files, before anything is rendered or written', async () => {
    const dir = path.join(f.fixture.dir, 'user-files');
    await mkdir(path.join(dir, 'diagrams'), { recursive: true });
    await writeFile(path.join(dir, 'narrative.yaml'), 'services: [1, 2]\n');
    await writeFile(path.join(dir, 'diagrams', 'orphan.yaml'), 'title: Orphan\n');
    const outDir = path.join(dir, 'out');
    const config = { ...context.config, narrative: path.join(dir, 'narrative.yaml'), diagrams: path.join(dir, 'diagrams'), configDir: dir, configPath: path.join(dir, 'proofpack.yaml') };
    const error = await renderReportDocuments({ ...context, config }, { outDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => [i.file, i.path])).toEqual([
      ['narrative.yaml', 'services'],
      ['diagrams/orphan.yaml', ''],
    ]);
    expect(existsSync(outDir)).toBe(false);
  });
});
