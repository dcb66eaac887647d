/**
 * The System Description (01_System_Description.pdf), a draft for management (pure): the AICPA DC
 * 200 sections in order, people's text from the narrative file, and facts from evidence marked
 * as generated — accounts and regions, inventory, replication topology, backup architecture,
 * monitoring, DR tests, significant changes — and where the narrative and the evidence disagree.
 */
import { populationCsvPath } from '../bundle/population.js';
import { SOC2_CRITERIA, criteriaOf } from '../controls/soc2-mapping.js';
import type { ReportContext } from '../report/types.js';
import type { Block, CellValue, DocumentModel, Section } from './document-model.js';
import { buildEstateFacts, FLOW_LABELS, type EstateFacts, type VaultFact } from './estate-facts.js';
import { formatLongDate, formatNumber } from './handlebars.js';
import { complementaryText, findNarrativeRegions, type LoadedNarrative, type Narrative } from './narrative.js';
import { regionDisplayName, regionLabel } from './region-names.js';
import { accountLabel, accountNames, badge, documentBase, formatInstant, paragraph, plural, table } from './report-common.js';
import { resourceTypeName } from './significant-changes.js';

export const SYSTEM_DESCRIPTION_TITLE = 'System Description';

/** The DC 200 sections, in order (titles as printed). */
export const DC200_SECTION_TITLES = [
  'Types of services provided',
  'Principal service commitments and system requirements',
  'Components of the system',
  'System incidents',
  'Applicable trust services criteria and related controls',
  'Subservice organizations and complementary subservice organization controls',
  'Complementary user entity controls',
  'Trust services criteria not relevant to the system',
  'Significant changes during the period',
] as const;

const MAX_CHANGES_LISTED = 150;
const MAX_LIFECYCLE_LISTED = 60;

/** The finding of one region in the narrative-vs-evidence comparison. */
export interface RegionFinding {
  region: string;
  named: boolean;
  /** How and where the narrative names it. */
  namedAs?: string;
  fields: string[];
  inScopeResources: number;
  inScopeCopies: number;
  resources: number;
  configured: boolean;
  finding: 'consistent' | 'named-without-resources' | 'in-scope-not-named' | 'not-named';
  message: string;
}

/** Regions the narrative names against the regions the evidence shows in use. */
export function compareNarrativeRegions(narrative: Narrative | null, facts: EstateFacts): RegionFinding[] {
  const named = new Map((narrative ? findNarrativeRegions(narrative) : []).map((m) => [m.region, m]));
  const presence = new Map(facts.regions.map((p) => [p.region, p]));
  const regions = [...new Set([...facts.regions.map((p) => p.region), ...named.keys()])];
  const findings: RegionFinding[] = [];
  for (const region of regions) {
    const p = presence.get(region) ?? { region, inScopeResources: 0, resources: 0, inScopeCopies: 0, configured: false };
    const mention = named.get(region);
    const holds = p.inScopeResources + p.inScopeCopies;
    let finding: RegionFinding['finding'];
    let message: string;
    if (mention && p.resources === 0 && p.inScopeCopies === 0) {
      finding = 'named-without-resources';
      message = `The narrative names ${region} (as “${mention.as}”, in ${mention.fields.join(', ')}), but the evidence shows no resources there${
        p.configured ? '' : ' — the config does not list this region, so proofpack did not collect it'
      }.`;
    } else if (!mention && holds > 0) {
      finding = 'in-scope-not-named';
      const what = [p.inScopeResources ? plural(p.inScopeResources, 'in-scope data store') : '', p.inScopeCopies ? plural(p.inScopeCopies, 'replica, backup copy or vault', 'replicas, backup copies or vaults') : '']
        .filter(Boolean)
        .join(' and ');
      message = `${region} (${regionDisplayName(region)}) holds in-scope data (${what}), but the narrative never names it.`;
    } else if (mention) {
      finding = 'consistent';
      message = `Named in the narrative and in use.`;
    } else {
      finding = 'not-named';
      message = p.resources > 0 ? 'Resources here are outside the scope; the narrative need not name it.' : 'No resources in the evidence, not named.';
    }
    findings.push({
      region,
      named: !!mention,
      ...(mention ? { namedAs: mention.as } : {}),
      fields: mention?.fields ?? [],
      inScopeResources: p.inScopeResources,
      inScopeCopies: p.inScopeCopies,
      resources: p.resources,
      configured: p.configured,
      finding,
      message,
    });
  }
  return findings.sort((a, b) => a.region.localeCompare(b.region));
}

interface SectionDraft {
  id: string;
  title: string;
  level: 1 | 2 | 3;
  blocks: Block[];
}

export function buildSystemDescriptionModel(context: ReportContext, loaded: LoadedNarrative | null, facts: EstateFacts = buildEstateFacts(context.view, context.config)): DocumentModel {
  const n: Narrative | null = loaded?.narrative ?? null;
  const names = accountNames(context);
  const acct = (id: string) => accountLabel(id, names);
  const sections: SectionDraft[] = [];
  const add = (id: string, title: string, level: 1 | 2 | 3, blocks: Block[]) => sections.push({ id, title, level, blocks });
  const notProvided = (field: string, what: string): Block => ({
    kind: 'callout',
    tone: 'warning',
    title: 'Not provided',
    text: loaded
      ? `The narrative file ${loaded.file} has no \`${field}\`. Management should describe ${what}.`
      : `No narrative file is configured (\`narrative:\` in proofpack.yaml; \`proofpack init\` writes a template), so this text was not provided. Management should describe ${what}.`,
  });
  const prose = (field: keyof Narrative, what: string): Block[] => {
    const value = n?.[field];
    return typeof value === 'string' && value.trim() ? [paragraph(value.trim())] : [notProvided(field, what)];
  };
  const findings = compareNarrativeRegions(n, facts);
  const contradictions = findings.filter((f) => f.finding === 'named-without-resources' || f.finding === 'in-scope-not-named');

  add('overview', 'System overview', 1, [
    {
      kind: 'callout',
      tone: 'info',
      title: 'Draft for management',
      text:
        `This description follows the AICPA description criteria (DC 200) for a SOC 2 Type II examination of ${context.config.system} for the period ${formatLongDate(context.config.period.start)} to ${formatLongDate(context.config.period.end)}. ` +
        'It is a draft: management owns the description and its assertion. Text written by people comes from the narrative file; ' +
        'blocks marked “Generated from evidence” were filled in by proofpack from the AWS evidence in this bundle.',
    },
    {
      kind: 'keyValues',
      items: [
        { key: 'Narrative', value: loaded ? `${loaded.file} (SHA-256 ${loaded.sha256})` : 'not configured' },
        { key: 'Evidence', value: `${plural(context.view.snapshots.length, 'snapshot')}, ${plural(context.evidenceIndex.length, 'evidence item')} (04_Evidence_Index.pdf)` },
        { key: 'State shown as of', value: facts.stateAsOf ? formatInstant(facts.stateAsOf) + ' UTC (the latest capture before the period end)' : 'no state captured' },
        {
          key: 'Narrative vs evidence',
          value: n
            ? contradictions.length === 0
              ? badge('pass', 'No contradictions about regions')
              : badge('fail', `${plural(contradictions.length, 'contradiction')} — see “Narrative vs evidence”`)
            : 'not compared (no narrative)',
        },
      ],
      generated: true,
    },
  ]);
  // DC 200, in order. Short sections share a part (a level-1 section starts a page).
  add('services', DC200_SECTION_TITLES[0], 2, prose('services', 'the services the system provides and to whom'));
  add('commitments', DC200_SECTION_TITLES[1], 2, prose('commitments', 'the principal service commitments (availability, confidentiality) and the system requirements'));
  add('components', DC200_SECTION_TITLES[2], 1, [paragraph('The system consists of its infrastructure, software, people, procedures and data, within the boundaries described below.')]);
  add('components.infrastructure', 'Infrastructure', 2, n?.infrastructure ? [paragraph(n.infrastructure.trim())] : [paragraph('The infrastructure is described by the facts below, which come from the evidence.')]);
  add('components.infrastructure.scope', 'Accounts, regions and region pairs', 3, accountsAndRegions(facts, acct));
  add('components.infrastructure.inventory', 'Inventory by region and type', 3, inventoryBlocks(facts, acct));
  add('components.infrastructure.stores', 'Data stores', 3, dataStoreBlocks(facts, acct));
  add('components.infrastructure.replication', 'Replication topology', 3, replicationBlocks(facts, acct));
  add('components.infrastructure.backup', 'Backup architecture', 3, backupBlocks(facts, acct));
  add('components.infrastructure.monitoring', 'Monitoring', 3, monitoringBlocks(facts, acct));
  add('components.software', 'Software', 2, prose('software', 'the applications, databases and managed services that make up the system'));
  add('components.people', 'People', 2, prose('people', 'the teams and roles that operate the system'));
  add('components.procedures', 'Procedures', 2, prose('procedures', 'change management, incident response, backup and recovery, and access reviews'));
  add('components.procedures.dr', 'Recovery tests held during the period', 3, drBlocks(facts));
  add('components.data', 'Data', 2, prose('data', 'the data the system processes, its classification and where it may be stored'));
  add('components.boundaries', 'System boundaries', 2, prose('boundaries', 'what is and is not part of the system'));
  add('controls', 'Incidents, criteria and complementary controls', 1, [
    paragraph('The system incidents of the period, the trust services criteria the system addresses with its controls, the controls expected of subservice organizations and of user entities, and the criteria that are not relevant.'),
  ]);
  add('incidents', DC200_SECTION_TITLES[3], 2, prose('incidents', 'the system incidents during the period that affected the service commitments (or state that there were none)'));
  add('criteria', DC200_SECTION_TITLES[4], 2, criteriaBlocks(context));
  add('subservice', DC200_SECTION_TITLES[5], 2, subserviceBlocks(n, notProvided));
  add('cuecs', DC200_SECTION_TITLES[6], 2, cuecBlocks(n, notProvided));
  add('not-relevant', DC200_SECTION_TITLES[7], 2, notRelevantBlocks(n, loaded));
  add('changes', DC200_SECTION_TITLES[8], 1, [...(n?.changes ? [paragraph(n.changes.trim())] : []), ...changeBlocks(facts, acct)]);
  if (n?.sections?.length) {
    add('other', 'Other information', 1, [paragraph('Further sections from the narrative.')]);
    n.sections.forEach((s, i) => add(`other-${i + 1}`, s.title, 2, [paragraph(s.text.trim())]));
  }
  add('narrative-vs-evidence', 'Narrative vs evidence', 1, narrativeVsEvidenceBlocks(n, findings, contradictions));

  const model: DocumentModel = {
    ...documentBase(context, SYSTEM_DESCRIPTION_TITLE, { subtitle: 'SOC 2 Type II — description of the system (AICPA DC 200)', notice: 'Draft for management review' }),
    sections: sections as Section[],
  };
  return model;
}

function accountsAndRegions(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const pairs = facts.regionPairs.map((p) => `${p.primary} → ${p.secondary}`).join('; ');
  return [
    {
      kind: 'keyValues',
      items: [
        { key: 'AWS accounts in scope', value: facts.accounts.length ? facts.accounts.map((a) => acct(a.id)).join(', ') : 'none in the evidence' },
        { key: 'Regions in scope', value: facts.configuredRegions.map(regionLabel).join('; ') },
        { key: 'Region pairs (primary → secondary)', value: pairs || 'none configured' },
        { key: 'Resources in scope', value: facts.scopeTags ? `resources tagged ${Object.entries(facts.scopeTags).map(([k, v]) => `${k}=${v}`).join(', ')}` : 'every resource in the accounts and regions' },
        { key: 'Regions with resources outside the regions in scope', value: facts.regions.filter((r) => !r.configured && r.resources > 0).map((r) => r.region).join(', ') || 'none' },
      ],
      generated: true,
    },
    table(
      [
        { header: 'Region', width: '30%' },
        { header: 'In scope', width: '12%', align: 'center' },
        { header: 'In-scope data stores', format: 'number' },
        { header: 'Replicas, copies, vaults', format: 'number' },
        { header: 'All resources seen', format: 'number' },
      ],
      facts.regions.map((r) => [regionLabel(r.region), r.configured ? 'yes' : 'no', r.inScopeResources, r.inScopeCopies, r.resources]),
      { caption: 'Regions and what the evidence shows in each', generated: true, emptyText: 'No regions.' },
    ),
  ];
}

function inventoryBlocks(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const blocks: Block[] = [];
  if (facts.inventory.length === 0) return [{ kind: 'callout', tone: 'warning', title: 'No inventory', text: 'The evidence holds no inventory (config.resources or the state collectors) for the period.', generated: true }];
  blocks.push(paragraph('Counts of resources per region at the end of the period, from AWS Config discovered resources (config.resources) where Config was read, otherwise from the state collectors (S3, RDS, DynamoDB, AWS Backup, KMS, CloudTrail, CloudWatch).', true));
  for (const account of [...new Set(facts.inventory.map((c) => c.account))]) {
    const counts = facts.inventory.filter((c) => c.account === account);
    const regions = [...new Set(counts.map((c) => c.region))].sort();
    const types = [...new Set(counts.map((c) => c.type))].sort();
    const totals = facts.recordedTotals.filter((t) => t.account === account);
    if (regions.length <= 6) {
      const rows: CellValue[][] = types.map((type) => [type, ...regions.map((r) => counts.find((c) => c.region === r && c.type === type)?.count ?? null), counts.filter((c) => c.type === type).reduce((n, c) => n + c.count, 0)]);
      if (totals.length) rows.push(['All resources AWS Config records (every type)', ...regions.map((r) => totals.find((t) => t.region === r)?.count ?? null), totals.reduce((n, t) => n + t.count, 0)]);
      blocks.push(
        table(
          [{ header: 'Resource type', width: regions.length > 4 ? '28%' : '36%' }, ...regions.map((r) => ({ header: r, format: 'number' as const })), { header: 'Total', format: 'number' }],
          rows,
          { caption: `Account ${acct(account)}`, generated: true },
        ),
      );
    } else {
      blocks.push(
        table(
          [{ header: 'Region', width: '22%' }, { header: 'Resource type' }, { header: 'Count', format: 'number', width: '12%' }, { header: 'From', width: '20%' }],
          counts.map((c) => [c.region, c.type, c.count, c.source]),
          { caption: `Account ${acct(account)}`, generated: true },
        ),
      );
    }
  }
  return blocks;
}

const MAX_STORES_LISTED = 400;

function dataStoreBlocks(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const stores = facts.dataStores;
  const inScope = stores.filter((r) => r.scope === 'in');
  const intro = paragraph(
    `${plural(stores.length, 'data store')} (S3 buckets, RDS instances, Aurora clusters, DynamoDB tables) seen during the period, ${formatNumber(inScope.length)} in scope` +
      `${facts.scopeTags ? ` (tagged ${Object.entries(facts.scopeTags).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}, with their tags as last read.`,
    true,
  );
  if (stores.length > MAX_STORES_LISTED) {
    const byType = new Map<string, { all: number; inScope: number }>();
    for (const r of stores) {
      const t = byType.get(r.type) ?? { all: 0, inScope: 0 };
      t.all += 1;
      if (r.scope === 'in') t.inScope += 1;
      byType.set(r.type, t);
    }
    return [
      intro,
      paragraph(`There are more than ${formatNumber(MAX_STORES_LISTED)}, so they are counted here; every one appears in the evidence (s3.buckets, rds.instances, rds.clusters, dynamodb.tables).`, true),
      table([{ header: 'Type', width: '40%' }, { header: 'Seen', format: 'number' }, { header: 'In scope', format: 'number' }], [...byType.entries()].map(([type, t]) => [resourceTypeName(type), t.all, t.inScope]), { generated: true }),
    ];
  }
  const rows: CellValue[][] = stores.map((r) => [
    resourceTypeName(r.type),
    r.name,
    `${acct(r.account)} ${r.region}`,
    scopeCell(r.scope),
    r.tags === undefined ? 'not read' : r.tags === null || Object.keys(r.tags).length === 0 ? 'none' : Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(', '),
  ]);
  return [
    intro,
    table(
      [
        { header: 'Type', width: '14%' },
        { header: 'Name', format: 'mono', width: '22%' },
        { header: 'Account / region', width: '25%' },
        { header: 'Scope', width: '11%' },
        { header: 'Tags' },
      ],
      rows,
      { caption: 'Data stores', generated: true, emptyText: 'No data stores in the evidence.' },
    ),
  ];
}

function scopeCell(scope: 'in' | 'out' | 'unknown'): string {
  return scope === 'in' ? 'in scope' : scope === 'out' ? 'out of scope' : 'unknown (tags not read)';
}

function replicationBlocks(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const flows = facts.flows.filter((f) => f.category === 'replication' || f.category === 'key');
  const crossRegion = flows.filter((f) => f.from !== f.to);
  const summary = [...new Set(crossRegion.map((f) => `${f.from} → ${f.to}`))];
  return [
    paragraph(
      flows.length
        ? `Data replicated between regions at the end of the period (S3 replication rules, RDS read replicas, Aurora replica clusters and global databases, DynamoDB global tables, KMS multi-Region keys): ${plural(flows.length, 'replication')} on ${plural(summary.length, 'region route')} (${summary.join('; ') || 'none across regions'}). The Diagrams Index draws them per account.`
        : 'The evidence shows no replication between regions at the end of the period.',
      true,
    ),
    table(
      [
        { header: 'Kind', width: '15%' },
        { header: 'Account', width: '12%' },
        { header: 'From → to', width: '16%' },
        { header: 'Source', format: 'mono', width: '15%' },
        { header: 'Target', format: 'mono', width: '15%' },
        { header: 'Scope', width: '8%' },
        { header: 'Detail' },
      ],
      flows.map((f) => [FLOW_LABELS[f.kind], acct(f.account), `${f.from} ${f.bidirectional ? '⇄' : '→'} ${f.to}${f.toAccount ? ` (account ${f.toAccount})` : ''}`, f.source, f.target, scopeCell(f.scope), f.detail]),
      { caption: 'Replication', generated: true, emptyText: 'No replication in the evidence.', ...(flows.length > 2000 ? { fullData: { path: 'the evidence (s3.buckets, rds.instances, rds.clusters, dynamodb.tables, kms.keys)' }, pdfRowLimit: 2000, pdfRowsWhenTruncated: 1000 } : {}) },
    ),
  ];
}

function lockText(v: VaultFact): CellValue {
  switch (v.lock) {
    case 'compliance':
      return badge('pass', 'Compliance mode');
    case 'compliance-grace':
      return badge('waived', `Compliance, changeable until ${v.lockDate?.slice(0, 10)}`);
    case 'governance':
      return badge('waived', 'Governance mode');
    case 'none':
      return badge('fail', 'Not locked');
    default:
      return badge('error', 'Unknown');
  }
}

function backupBlocks(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const ruleRows: CellValue[][] = facts.plans.flatMap((p) =>
    (p.rules.length ? p.rules : [{ name: '(no rules)', vault: '', copies: [] as Array<{ vaultArn: string; region: string; account: string; retentionDays?: number }> }]).map((r) => [
      acct(p.account),
      p.region,
      p.name,
      r.name,
      'schedule' in r ? (r.schedule ?? null) : null,
      'retentionDays' in r && r.retentionDays !== undefined ? `${r.retentionDays} days` : null,
      r.vault || null,
      r.copies.map((c) => `${c.region}${c.account !== p.account ? ` (account ${c.account})` : ''}: ${c.vaultArn.split(':').pop()}${c.retentionDays !== undefined ? `, ${c.retentionDays} days` : ''}`).join('; ') || 'none',
    ]),
  );
  const copyTargets = [...new Set(facts.plans.flatMap((p) => p.rules.flatMap((r) => r.copies.map((c) => `${p.region} → ${c.region}`))))];
  return [
    paragraph(
      `AWS Backup at the end of the period: ${plural(facts.plans.length, 'backup plan')}, ${plural(facts.vaults.length, 'backup vault')}; copies to other regions: ${copyTargets.join('; ') || 'none'}. ` +
        'Compliance-mode Vault Lock is immutable once its grace period ends; governance mode can be removed by privileged users.',
      true,
    ),
    table(
      [
        { header: 'Account', width: '13%' },
        { header: 'Region', width: '10%' },
        { header: 'Plan', width: '12%' },
        { header: 'Rule', width: '12%' },
        { header: 'Schedule', format: 'mono', width: '14%' },
        { header: 'Retention', width: '9%' },
        { header: 'Vault', width: '10%' },
        { header: 'Copies to (region: vault, retention)' },
      ],
      ruleRows,
      { caption: 'Backup plans and rules', generated: true, emptyText: 'No backup plans in the evidence.' },
    ),
    table(
      [
        { header: 'Account', width: '15%' },
        { header: 'Region', width: '11%' },
        { header: 'Vault', width: '15%' },
        { header: 'Vault Lock', format: 'status', width: '19%' },
        { header: 'Retention (min–max days)', width: '13%' },
        { header: 'Recovery points', format: 'number', width: '10%' },
        { header: 'KMS key', format: 'mono' },
      ],
      facts.vaults.map((v) => [
        acct(v.account),
        v.region,
        v.name,
        lockText(v),
        v.minRetentionDays !== undefined || v.maxRetentionDays !== undefined ? `${v.minRetentionDays ?? '?'}–${v.maxRetentionDays ?? '?'}` : null,
        v.recoveryPoints ?? null,
        v.encryptionKey?.split(':').pop() ?? null,
      ]),
      { caption: 'Backup vaults', generated: true, emptyText: 'No backup vaults in the evidence.' },
    ),
    table(
      [
        { header: 'Account', width: '18%' },
        { header: 'From → to', width: '24%' },
        { header: 'Completed', format: 'number' },
        { header: 'Failed, aborted, expired', format: 'number' },
        { header: 'Other', format: 'number' },
      ],
      facts.copyJobs.map((j) => [acct(j.account), `${j.from} → ${j.to}${j.toAccount !== j.account ? ` (account ${j.toAccount})` : ''}`, j.completed, j.failed, j.other]),
      { caption: 'Cross-region backup copy jobs during the period', generated: true, emptyText: 'No cross-region copy jobs in the evidence for the period.' },
    ),
  ];
}

const yesNo = (v: boolean | undefined): string | null => (v === undefined ? null : v ? 'yes' : 'no');

function monitoringBlocks(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const notRecording = facts.recorders.filter((r) => r.recording === false);
  return [
    paragraph(
      `CloudTrail: ${plural(facts.trails.length, 'trail')} (${facts.trails.filter((t) => t.multiRegion).length} multi-region). AWS Config: recorders in ${plural(facts.recorders.filter((r) => r.recorders > 0).length, 'account × region', 'accounts × regions')}${notRecording.length ? `; not recording in ${notRecording.map((r) => `${r.region} (${r.account})`).join(', ')}` : ''}. ` +
        `CloudWatch: ${plural(facts.alarms.length, 'alarm')} on backup failures or replication (of ${formatNumber(facts.alarmTotal)} alarms). State at the end of the period.`,
      true,
    ),
    table(
      [
        { header: 'Account', width: '16%' },
        { header: 'Trail', width: '22%' },
        { header: 'Home region', width: '13%' },
        { header: 'Multi-region', align: 'center' },
        { header: 'Log file validation', align: 'center' },
        { header: 'Logging', align: 'center' },
        { header: 'Organization trail', align: 'center' },
      ],
      facts.trails.map((t) => [acct(t.account), t.name, t.homeRegion, yesNo(t.multiRegion), yesNo(t.logFileValidation), yesNo(t.logging), yesNo(t.organization)]),
      { caption: 'CloudTrail trails', generated: true, emptyText: 'No trails in the evidence.' },
    ),
    table(
      [
        { header: 'Account', width: '22%' },
        { header: 'Region', width: '18%' },
        { header: 'Recorders', format: 'number' },
        { header: 'Recording', format: 'status' },
        { header: 'All resource types', align: 'center' },
      ],
      facts.recorders.map((r) => [acct(r.account), r.region, r.recorders, r.recording === undefined ? badge('error', 'Unknown') : r.recording ? badge('pass', 'Recording') : badge('fail', 'Not recording'), yesNo(r.allSupported)]),
      { caption: 'AWS Config recorders', generated: true, emptyText: 'No Config recorder evidence.' },
    ),
    table(
      [
        { header: 'Account', width: '16%' },
        { header: 'Region', width: '11%' },
        { header: 'Alarm', width: '24%' },
        { header: 'Watches' },
        { header: 'Actions', align: 'center', width: '9%' },
        { header: 'State', width: '12%' },
      ],
      facts.alarms.map((a) => [acct(a.account), a.region, a.name, a.watches.join(', '), yesNo(a.actionsEnabled), a.state ?? null]),
      { caption: 'Alarms on backup failures and replication', generated: true, emptyText: 'No alarms on backup failures or replication in the evidence.' },
    ),
  ];
}

function drBlocks(facts: EstateFacts): Block[] {
  const outcome = (o: string): CellValue =>
    o === 'pass' ? badge('pass') : o === 'fail' ? badge('fail') : o === 'partial' ? badge('waived', 'Partial') : badge('not_applicable', o === 'pending' ? 'Pending' : 'Unmeasured');
  const kinds = { 'game-day': 'Game day', 'restore-test': 'Restore test', restore: 'Restore', failover: 'Failover' } as const;
  const minutes = (m: number | undefined) => (m === undefined ? null : `${formatNumber(Math.round(m * 10) / 10)} min`);
  return [
    paragraph(
      facts.drTests.length
        ? `${plural(facts.drTests.length, 'recovery exercise')} during the period: ${Object.entries(kinds)
            .map(([k, label]) => `${facts.drTests.filter((t) => t.kind === k).length} ${label.toLowerCase()}${facts.drTests.filter((t) => t.kind === k).length === 1 ? '' : 's'}`)
            .join(', ')}. Measured RTO is start to usable; RPO the age of the data recovered. Results against the targets are in 03_Control_Results.pdf (dr.test-frequency, dr.rto-rpo).`
        : 'The evidence shows no recovery exercise (game day, restore, restore test or failover) during the period.',
      true,
    ),
    table(
      [
        { header: 'Start (UTC)', width: '14%' },
        { header: 'Kind', width: '11%' },
        { header: 'What' },
        { header: 'Region', width: '16%' },
        { header: 'RTO', width: '9%', align: 'right' },
        { header: 'RPO', width: '9%', align: 'right' },
        { header: 'Outcome', format: 'status', width: '11%' },
      ],
      facts.drTests.map((t) => [formatInstant(t.start), kinds[t.kind], `${t.title} — ${t.detail}`, t.region, minutes(t.rtoMinutes), minutes(t.rpoMinutes), outcome(t.outcome)]),
      { caption: 'Recovery exercises', generated: true, emptyText: 'None.', fullData: { path: populationCsvPath('dr-tests'), description: 'the population of DR tests, with targets' }, pdfRowLimit: 500, pdfRowsWhenTruncated: 200 },
    ),
  ];
}

function criteriaBlocks(context: ReportContext): Block[] {
  const rows: CellValue[][] = [];
  const criteria = [...new Set(context.evaluation.controls.flatMap((c) => (c.criteria.length ? c.criteria : criteriaOf(c.id))))].sort();
  for (const criterion of criteria) {
    for (const c of context.evaluation.controls.filter((x) => (x.criteria.length ? x.criteria : criteriaOf(x.id)).includes(criterion))) rows.push([criterion, c.id, c.title]);
  }
  return [
    paragraph(
      `The system's controls address the criteria below (AWS publishes no SOC 2 conformance pack; the mapping is proofpack's own). Each control's result over the period, with its exceptions, is in 03_Control_Results.pdf. Criteria: ${criteria.map((c) => `${c} — ${SOC2_CRITERIA[c] ?? ''}`).join('; ')}.`,
      true,
    ),
    table([{ header: 'Criterion', width: '11%' }, { header: 'Control', format: 'mono', width: '27%' }, { header: 'Compliant when' }], rows, { caption: 'Criteria and related controls', generated: true }),
  ];
}

function subserviceBlocks(n: Narrative | null, notProvided: (field: string, what: string) => Block): Block[] {
  const orgs = n?.subserviceOrganizations ?? [];
  if (orgs.length === 0) return [notProvided('subserviceOrganizations', 'the subservice organizations (such as Amazon Web Services, presented with the carve-out method) and their complementary controls (CSOCs)')];
  const blocks: Block[] = [paragraph('The description presents the subservice organizations below with the carve-out method unless stated otherwise: their controls are not part of the description, and the controls they are expected to operate (CSOCs) are listed.')];
  for (const o of orgs) {
    blocks.push({ kind: 'keyValues', items: [{ key: 'Organization', value: o.name }, { key: 'Services', value: o.services }, { key: 'Method', value: o.method ?? 'carve-out' }] });
    blocks.push(
      table(
        [{ header: 'Complementary subservice organization control (CSOC)' }, { header: 'Criteria', width: '18%' }],
        (o.csocs ?? []).map((c) => [complementaryText(c), typeof c === 'string' ? null : (c.criteria ?? []).join(', ') || null]),
        { caption: `CSOCs of ${o.name}`, emptyText: 'No CSOCs listed in the narrative.' },
      ),
    );
  }
  return blocks;
}

function cuecBlocks(n: Narrative | null, notProvided: (field: string, what: string) => Block): Block[] {
  const cuecs = n?.cuecs ?? [];
  if (cuecs.length === 0) return [notProvided('cuecs', 'the controls user entities (customers) must operate for the controls to achieve their objectives, or state that there are none')];
  return [
    paragraph('The controls below are expected to be operated by user entities; the system’s controls meet their objectives only together with them.'),
    table([{ header: '#', width: '6%', align: 'right' }, { header: 'Complementary user entity control' }, { header: 'Criteria', width: '18%' }], cuecs.map((c, i) => [String(i + 1), complementaryText(c), typeof c === 'string' ? null : (c.criteria ?? []).join(', ') || null])),
  ];
}

function notRelevantBlocks(n: Narrative | null, loaded: LoadedNarrative | null): Block[] {
  const list = n?.criteriaNotRelevant;
  if (!n || list === undefined) {
    return [
      {
        kind: 'callout',
        tone: 'warning',
        title: 'Not provided',
        text: loaded
          ? `The narrative file ${loaded.file} has no \`criteriaNotRelevant\`. Management should list the criteria of the categories in scope that are not relevant to the system, with the reason, or state that all are relevant.`
          : 'No narrative file is configured, so the criteria not relevant to the system were not provided.',
      },
    ];
  }
  if (list.length === 0) return [paragraph('Management states that every criterion of the categories in scope is relevant to the system.')];
  return [
    table(
      [{ header: 'Criterion', width: '14%' }, { header: 'Why it is not relevant' }],
      list.map((c) => (typeof c === 'string' ? [c, null] : [c.criterion, c.reason])),
    ),
  ];
}

function changeBlocks(facts: EstateFacts, acct: (id: string) => string): Block[] {
  const { changes, byType, haveHistory } = facts.changes;
  if (!haveHistory) return [{ kind: 'callout', tone: 'warning', title: 'No configuration history', text: 'The evidence holds no AWS Config configuration history (config.history) for the period, so changes could not be listed from evidence.', generated: true }];
  const settings = changes.filter((c) => c.kind === 'setting');
  const lifecycle = changes.filter((c) => c.kind !== 'setting');
  const blocks: Block[] = [
    paragraph(
      `From AWS Config configuration history: ${plural(settings.length, 'change')} to protection settings (replication, versioning, Object Lock, vault lock and retention, copy actions, replicas, key state, trail settings) and ${plural(lifecycle.length, 'resource')} created or deleted, among ${plural(byType.reduce((n, t) => n + t.items, 0), 'configuration change')} recorded in the period. Routine changes are counted, not listed.`,
      true,
    ),
    table(
      [{ header: 'Resource type', width: '34%' }, { header: 'Configuration changes', format: 'number' }, { header: 'Resources changed', format: 'number' }, { header: 'Listed below', format: 'number' }],
      byType.map((t) => [`${resourceTypeName(t.resourceType)} (${t.resourceType})`, t.items, t.resources, t.significant]),
      { caption: 'Configuration changes during the period by resource type', generated: true, emptyText: 'AWS Config recorded no change in the period.' },
    ),
  ];
  const changeColumns = [
    { header: 'When (UTC)', width: '14%' },
    { header: 'Account / region', width: '19%' },
    { header: 'Resource', format: 'mono' as const, width: '22%' },
    { header: 'Change' },
  ];
  const row = (c: (typeof changes)[number]): CellValue[] => [formatInstant(c.at), `${acct(c.account)} ${c.region}`, `${c.resource}`, c.kind === 'setting' ? `${resourceTypeName(c.resourceType)} ${c.description}` : c.description];
  const shownSettings = settings.slice(0, MAX_CHANGES_LISTED);
  blocks.push(table(changeColumns, shownSettings.map(row), { caption: 'Changes to protection settings', generated: true, emptyText: 'No protection setting changed during the period.' }));
  if (settings.length > shownSettings.length) blocks.push(paragraph(`… and ${formatNumber(settings.length - shownSettings.length)} more setting changes: every configuration change of the period is in ${populationCsvPath('config-changes')}.`, true));
  if (lifecycle.length <= MAX_LIFECYCLE_LISTED) {
    blocks.push(table(changeColumns, lifecycle.map(row), { caption: 'Resources created or deleted', generated: true, emptyText: 'No tracked resource was created or deleted during the period.' }));
  } else {
    const grouped = new Map<string, { created: number; deleted: number; names: string[] }>();
    for (const c of lifecycle) {
      const g = grouped.get(c.resourceType) ?? { created: 0, deleted: 0, names: [] };
      if (c.kind === 'created') g.created += 1;
      else g.deleted += 1;
      if (g.names.length < 5) g.names.push(c.resource);
      grouped.set(c.resourceType, g);
    }
    blocks.push(
      table(
        [{ header: 'Resource type', width: '30%' }, { header: 'Created', format: 'number', width: '10%' }, { header: 'Deleted', format: 'number', width: '10%' }, { header: 'For example' }],
        [...grouped.entries()].map(([type, g]) => [resourceTypeName(type), g.created, g.deleted, g.names.join(', ')]),
        { caption: 'Resources created or deleted (summarised)', generated: true },
      ),
    );
  }
  return blocks;
}

function narrativeVsEvidenceBlocks(n: Narrative | null, findings: RegionFinding[], contradictions: RegionFinding[]): Block[] {
  if (!n) {
    return [
      { kind: 'callout', tone: 'warning', title: 'Not compared', text: 'No narrative file is configured, so the regions it names could not be compared with the evidence. The regions the evidence shows in use are listed below.', generated: true },
      table(
        [{ header: 'Region', width: '34%' }, { header: 'In-scope data stores', format: 'number' }, { header: 'Replicas, copies, vaults', format: 'number' }, { header: 'All resources', format: 'number' }],
        findings.filter((f) => f.resources > 0 || f.inScopeCopies > 0).map((f) => [regionLabel(f.region), f.inScopeResources, f.inScopeCopies, f.resources]),
        { generated: true, emptyText: 'No region holds resources in the evidence.' },
      ),
    ];
  }
  const finding = (f: RegionFinding): CellValue =>
    f.finding === 'consistent'
      ? badge('pass', 'Consistent')
      : f.finding === 'named-without-resources'
        ? badge('fail', 'Named, no resources')
        : f.finding === 'in-scope-not-named'
          ? badge('fail', 'In use, not named')
          : badge('not_applicable', 'Not named');
  return [
    paragraph(
      'The narrative was searched for region codes (us-east-1), console names (US East (N. Virginia)) and locations (N. Virginia, Oregon, Ireland…). A region it names where the evidence shows no resources, and a region holding in-scope data that it never names, are contradictions management should resolve before signing.',
      true,
    ),
    contradictions.length
      ? { kind: 'callout', tone: 'danger', title: `${plural(contradictions.length, 'contradiction')}`, text: contradictions.map((c) => `• ${c.message}`).join('\n'), generated: true }
      : { kind: 'callout', tone: 'success', title: 'No contradictions', text: 'Every region the narrative names holds resources in the evidence, and every region holding in-scope data is named.', generated: true },
    table(
      [
        { header: 'Region', width: '27%' },
        { header: 'Named in the narrative', width: '22%' },
        { header: 'In-scope data stores', format: 'number', width: '11%' },
        { header: 'Replicas, copies, vaults', format: 'number', width: '11%' },
        { header: 'All resources', format: 'number', width: '10%' },
        { header: 'Finding', format: 'status' },
      ],
      findings.map((f) => [regionLabel(f.region), f.named ? `“${f.namedAs}” (${f.fields.join(', ')})` : 'no', f.inScopeResources, f.inScopeCopies, f.resources, finding(f)]),
      { caption: 'Regions: narrative and evidence', generated: true },
    ),
  ];
}

