import { createHash } from 'node:crypto';
import { collectors } from '../../src/collectors/index.js';
import type { Config } from '../../src/config/types.js';
import { buildCatalogue } from '../../src/controls/catalogue.js';
import type { PeriodView } from '../../src/period/types.js';
import type { EvidenceIndexRow, ReportContext } from '../../src/report/types.js';

/**
 * A ReportContext holding `rows` evidence index rows shaped like a real estate's (bench/report.ts):
 * every regional collector of the registry with its real operations, controls and criteria, over
 * three accounts, four regions and daily snapshots, each row its own SHA-256 and bundle path. Only
 * what the Evidence Index reads is filled in. Deterministic: no clock, no randomness.
 */

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];

export function buildEvidenceIndexRows(rows: number): EvidenceIndexRow[] {
  const catalogue = buildCatalogue();
  const sources = collectors
    .filter((c) => c.scope === 'region')
    .map((c) => {
      const controls = catalogue.filter((x) => x.requires.includes(c.id) || x.optional.includes(c.id));
      const criteria = [...new Set(controls.flatMap((x) => x.criteria))].sort();
      return { id: c.id, windowed: c.group !== 'state', operations: [...c.operations], controls: controls.map((x) => x.id).sort(), criteria };
    });
  const perSnapshot = sources.length * ACCOUNTS.length * REGIONS.length;
  const out: EvidenceIndexRow[] = [];
  for (let i = 0; i < rows; i++) {
    const source = sources[i % sources.length];
    const account = ACCOUNTS[Math.floor(i / sources.length) % ACCOUNTS.length];
    const region = REGIONS[Math.floor(i / (sources.length * ACCOUNTS.length)) % REGIONS.length];
    const day = Math.floor(i / perSnapshot);
    const at = new Date(Date.UTC(2025, 0, 1, 2) + day * 86_400_000).toISOString();
    const stamp = at.replace(/[-:]/g, '').slice(0, 15) + 'Z';
    const snapshotId = `${stamp}-${createHash('sha256').update(String(day)).digest('hex').slice(0, 6)}`;
    const id = `${snapshotId}_${account}_${region}_${source.id}`;
    const start = source.windowed ? new Date(Date.parse(at) - 86_400_000).toISOString() : at;
    out.push({
      id,
      snapshotId,
      collector: source.id,
      criteria: source.criteria,
      controls: source.controls,
      operations: source.operations,
      account,
      region,
      window: { start, end: at },
      recordCount: (i * 7919) % 5000,
      collectedAt: new Date(Date.parse(at) + 95_000).toISOString(),
      sha256: createHash('sha256').update(`evidence ${i}`).digest('hex'),
      bundlePath: `evidence/${source.criteria[0] ?? 'unmapped'}/${source.controls[0] ?? 'unused'}/${id}.json`,
    });
  }
  return out;
}

export function buildEvidenceIndexContext(rows: number, paperSize: 'A4' | 'Letter' = 'A4'): ReportContext {
  const config = {
    organization: 'Larkspur Health, Inc.',
    system: 'Larkspur Care Platform',
    period: { start: '2025-01-01', end: '2025-12-31' },
    accounts: ACCOUNTS.map((id, i) => ({ id, name: ['prod', 'dr', 'shared'][i] })),
    regions: REGIONS,
    report: { paperSize },
  } as unknown as Config;
  const view = { sources: collectors.map((c) => ({ id: c.id, title: c.title })) } as unknown as PeriodView;
  return {
    config,
    view,
    evaluation: undefined as unknown as ReportContext['evaluation'],
    coverage: undefined as unknown as ReportContext['coverage'],
    evidenceIndex: buildEvidenceIndexRows(rows),
    bundleId: '6a30b2e0-7c32-51cc-8f74-5467c67c657f',
    bundleName: 'larkspur-health-inc_SOC2-T2_2025-01-01_2025-12-31.zip',
    generatedAt: '2026-01-01T02:05:00.000Z',
  };
}
