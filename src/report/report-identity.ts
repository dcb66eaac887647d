/**
 * What names a report: its file name, its id and its "generated at" time. None of them reads the
 * clock: the same evidence gives the same names, so the bundle's bytes can be reproduced.
 */
import { PROOFPACK_NAMESPACE, uuidV5 } from '../bundle/uuid.js';
import { InputError } from '../errors.js';
import type { PeriodView } from '../period/types.js';

/** `Larkspur Health, Inc.` → `larkspur-health-inc`: lower-case ASCII letters and digits joined by `-`. */
export function slugifyOrganization(organization: string): string {
  const slug = organization
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug || 'organization';
}

/** `<org-slug>_SOC2-T2_<start>_<end>.zip`. */
export function reportBundleName(organization: string, period: { start: string; end: string }): string {
  return `${slugifyOrganization(organization)}_SOC2-T2_${period.start}_${period.end}.zip`;
}

/**
 * A stable bundle id: UUID v5 of the organization, system, period and the SHA-256 of the newest
 * snapshot manifest in the bundle (the head of the chain it carries). New evidence → new id; the
 * same evidence → the same id.
 */
export function reportBundleId(input: { organization: string; system: string; period: { start: string; end: string }; chainHeadSha256: string }): string {
  return uuidV5(['report-bundle', input.organization, input.system, input.period.start, input.period.end, input.chainHeadSha256].join('\n'), PROOFPACK_NAMESPACE);
}

/**
 * When the report was "generated": the commit time of the newest trusted snapshot the period view
 * loaded — the moment the evidence it rests on was complete. Never the clock.
 */
export function reportGeneratedAt(view: Pick<PeriodView, 'snapshots' | 'period'>, storeLocation: string): string {
  const trusted = view.snapshots.filter((s) => s.trusted);
  if (trusted.length === 0) {
    throw new InputError([
      {
        file: storeLocation,
        path: '',
        message: `no usable evidence snapshot for the period ${view.period.start} to ${view.period.end} (or the 35 days around it); run \`proofpack collect\` first, or check \`proofpack coverage\``,
      },
    ]);
  }
  const newest = trusted.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
  return new Date(newest.createdAt).toISOString();
}
