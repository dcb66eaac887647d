/**
 * The Diagrams Index (02_Diagrams_Index.pdf), pure: every user diagram (file, title, last change,
 * SHA-256, where it is in the bundle, and the image itself when it is one), then the diagrams
 * proofpack generated from evidence: per account, its regions and region pairs with the
 * replication and backup-copy flows between them.
 */
import type { ReportContext } from '../report/types.js';
import type { Block, CellValue, DocumentModel, Section } from './document-model.js';
import { buildEstateFacts, FLOW_LABELS, type EstateFacts } from './estate-facts.js';
import { formatNumber } from './handlebars.js';
import { renderRegionDiagramSvg } from './region-diagram.js';
import { regionLabel } from './region-names.js';
import { accountLabel, accountNames, documentBase, formatInstant, paragraph, table } from './report-common.js';
import { DIAGRAMS_BUNDLE_FOLDER, type UserDiagrams } from './user-diagrams.js';

export const DIAGRAMS_INDEX_TITLE = 'Diagrams Index';

const SHORT_TYPES: Record<string, string> = {
  'AWS::S3::Bucket': 'S3 buckets',
  'AWS::RDS::DBInstance': 'RDS',
  'AWS::RDS::DBCluster': 'Aurora',
  'AWS::DynamoDB::Table': 'DynamoDB',
};

/** The lines in a region's box: its data stores (all, and in scope), vaults, plans and Config. */
function regionLines(facts: EstateFacts, account: string, region: string): string[] {
  const stores = facts.dataStores.filter((r) => r.account === account && r.region === region);
  const lines: string[] = [];
  for (const [type, label] of Object.entries(SHORT_TYPES)) {
    const all = stores.filter((s) => s.type === type);
    if (all.length === 0) continue;
    const inScope = all.filter((s) => s.scope === 'in').length;
    lines.push(`${label}: ${all.length}${facts.scopeTags ? ` (${inScope} in scope)` : ''}`);
  }
  const vaults = facts.vaults.filter((v) => v.account === account && v.region === region);
  if (vaults.length) {
    const locked = vaults.filter((v) => v.lock === 'compliance' || v.lock === 'compliance-grace').length;
    lines.push(`Vaults: ${vaults.length} (${locked} compliance lock)`);
  }
  const plans = facts.plans.filter((p) => p.account === account && p.region === region).length;
  if (plans) lines.push(`Backup plans: ${plans}`);
  const recorders = facts.recorders.find((r) => r.account === account && r.region === region);
  if (recorders) lines.push(recorders.recording ? 'AWS Config: recording' : recorders.recording === false ? 'AWS Config: not recording' : 'AWS Config: state unknown');
  return lines;
}

/** The region diagram of each account (for the index, and for tests). */
export function buildRegionDiagrams(context: ReportContext, facts: EstateFacts): Array<{ account: string; svg: string; flows: EstateFacts['flows'] }> {
  const names = accountNames(context);
  const accounts = facts.accounts.length ? facts.accounts.map((a) => a.id) : [...new Set(facts.flows.map((f) => f.account))];
  return accounts.map((account) => {
    const flows = facts.flows.filter((f) => f.account === account && f.category !== 'key');
    const regions = [
      ...new Set([
        ...facts.configuredRegions,
        ...facts.dataStores.filter((r) => r.account === account && r.region !== 'unknown').map((r) => r.region),
        ...facts.vaults.filter((v) => v.account === account).map((v) => v.region),
        ...flows.flatMap((f) => [f.from, f.to]).filter((r) => r !== 'unknown'),
      ]),
    ].filter((r) => r !== 'global');
    const svg = renderRegionDiagramSvg({
      title: `Account ${accountLabel(account, names)}: regions, replication and backup copies`,
      regions: regions.map((region) => ({ region, lines: regionLines(facts, account, region) })),
      pairs: facts.regionPairs,
      flows,
    });
    return { account, svg, flows };
  });
}

export function buildDiagramsIndexModel(context: ReportContext, diagrams: UserDiagrams, facts: EstateFacts = buildEstateFacts(context.view, context.config)): DocumentModel {
  const names = accountNames(context);
  const sections: Section[] = [];
  const list = diagrams.diagrams;
  const summaryRows: CellValue[][] = list.map((d) => [
    d.file,
    d.title,
    `${d.lastChanged.length > 10 ? formatInstant(d.lastChanged) : d.lastChanged}${d.lastChangedFrom === 'sidecar' ? '' : ' (file time)'}`,
    d.sha256,
    `${DIAGRAMS_BUNDLE_FOLDER}/${d.bundleName}`,
  ]);
  sections.push({
    id: 'user',
    title: 'Diagrams maintained by the organization',
    level: 1,
    blocks: [
      paragraph(
        `This index lists the system's diagrams: those the organization maintains (${diagrams.folder === null ? 'no diagrams folder is configured' : `from the folder ${diagrams.folder}`}), each with its SHA-256 and its copy in the bundle under ${DIAGRAMS_BUNDLE_FOLDER}/, and, in the next part, diagrams proofpack generated from the AWS evidence of the period.`,
      ),
      table(
        [
          { header: 'File', format: 'mono', width: '18%' },
          { header: 'Title', width: '22%' },
          { header: 'Last change', width: '15%' },
          { header: 'SHA-256', format: 'mono', width: '25%' },
          { header: 'In the bundle', format: 'mono' },
        ],
        summaryRows,
        {
          caption: 'User diagrams',
          emptyText: diagrams.folder === null ? 'No diagrams folder is configured (`diagrams:` in proofpack.yaml), so no user diagrams are listed.' : `The folder ${diagrams.folder} holds no diagram files.`,
        },
      ),
    ],
  });
  list.forEach((d, i) => {
    const blocks: Block[] = [];
    if (d.description) blocks.push(paragraph(d.description));
    blocks.push({
      kind: 'keyValues',
      items: [
        { key: 'File', value: d.file },
        { key: 'In the bundle', value: `${DIAGRAMS_BUNDLE_FOLDER}/${d.bundleName}` },
        { key: 'Title from', value: d.titleFrom === 'sidecar' ? `sidecar ${d.sidecar}` : 'the file name' },
        { key: 'Last change', value: `${d.lastChanged.length > 10 ? `${formatInstant(d.lastChanged)} UTC` : d.lastChanged} (${d.lastChangedFrom === 'sidecar' ? `sidecar ${d.sidecar}` : 'file modification time'})` },
        { key: 'SHA-256', value: d.sha256 },
        { key: 'Size', value: `${formatNumber(d.size)} bytes` },
      ],
    });
    if (d.dataUri) blocks.push({ kind: 'image', dataUri: d.dataUri, alt: d.title, caption: `Figure U${i + 1}: ${d.title}` });
    else blocks.push({ kind: 'callout', tone: 'info', title: 'Not shown', text: d.note ?? 'The file is in the bundle.' });
    sections.push({ id: `user-${i + 1}`, title: d.title, level: 2, blocks });
  });

  const generated = buildRegionDiagrams(context, facts);
  const regions = [...new Set(facts.regions.map((r) => r.region))];
  const generatedPart: Section = {
    id: 'generated',
    title: 'Diagrams generated from evidence',
    level: 1,
    blocks: [
      paragraph(
        'One diagram per AWS account: the regions in scope and any region the evidence shows in use, region pairs from the config on a shaded band (primary left, secondary right), ' +
          'replication (S3 replication rules, RDS read replicas, Aurora replica clusters and global databases, DynamoDB global tables) as solid blue arrows and backup copies ' +
          '(backup plan copy rules, cross-region copy jobs of the period, RDS automated backup replication) as dashed amber arrows. Each box counts the data stores and vaults in the region. ' +
          `State at the end of the period${facts.stateAsOf ? ` (captured up to ${formatInstant(facts.stateAsOf)} UTC)` : ''}.`,
        true,
      ),
      // The regions' names, for readers who do not know the codes.
      ...(regions.length ? [paragraph(`Regions: ${regions.map(regionLabel).join('; ')}.`, true)] : []),
      ...(generated.length === 0 ? [{ kind: 'callout' as const, tone: 'warning' as const, title: 'Nothing to draw', text: 'The evidence names no account.' }] : []),
    ],
  };
  sections.push(generatedPart);
  generated.forEach((g, i) => {
    const label = accountLabel(g.account, names);
    sections.push({
      id: `generated-${i + 1}`,
      title: `Account ${label}`,
      level: 2,
      blocks: [
        { kind: 'svg', svg: g.svg, alt: `Regions, replication and backup copies of account ${label}`, caption: `Figure G${i + 1}: regions, replication and backup-copy flows of account ${label}.`, generated: true },
        table(
          [
            { header: 'Flow', width: '20%' },
            { header: 'From → to', width: '22%' },
            { header: 'Source', format: 'mono', width: '19%' },
            { header: 'Target', format: 'mono', width: '19%' },
            { header: 'Detail' },
          ],
          g.flows.map((f) => [FLOW_LABELS[f.kind], `${f.from} ${f.bidirectional ? '⇄' : '→'} ${f.to}${f.toAccount ? ` (account ${f.toAccount})` : ''}`, f.source, f.target, f.detail]),
          { caption: `Flows of account ${label}`, generated: true, emptyText: 'No replication or backup copies between regions in the evidence.' },
        ),
      ],
    });
  });

  return { ...documentBase(context, DIAGRAMS_INDEX_TITLE, { subtitle: 'System diagrams, with hashes, and diagrams generated from evidence' }), sections };
}
