/**
 * The evidence index and where each envelope goes in the bundle.
 *
 * Placement: each envelope is in the bundle ONCE, at `evidence/<criterion>/<control-id>/<evidence-id>.json`
 * under its primary control, and referenced from every other control that uses it (the Evidence
 * Index's `controls` column, 03_Control_Results.json's `evidencePaths`, and OSCAL's
 * relevant-evidence links). Copies under every control would multiply the bundle's size by the
 * number of controls reading a source (s3.buckets is read by eight) for no gain in what the
 * auditor can check: the index lists every control of every file, and the hashes are the same.
 *
 * The primary control is, in this order: a control whose exceptions cite the envelope (so a
 * failing control's folder holds the evidence behind its exceptions); a control that requires
 * the envelope's source; a control that reads it when present; otherwise
 * `evidence.period-coverage` (IPE) — every trusted envelope counts toward the coverage ledger,
 * which is what that control evaluates. Ties go to catalogue order; the folder's criterion is the
 * control's first criterion in the SOC 2 mapping.
 */
import type { Config } from '../config/types.js';
import { criteriaOf } from '../controls/soc2-mapping.js';
import type { Control, Evaluation } from '../controls/types.js';
import type { EvidenceFacts } from './report-evidence.js';
import type { EvidenceIndexRow } from './types.js';

/** The control every envelope supports: the coverage ledger counts it. */
export const COVERAGE_CONTROL = 'evidence.period-coverage';

export function evidenceBundlePath(criterion: string, controlId: string, evidenceId: string): string {
  return `evidence/${criterion}/${controlId}/${evidenceId}.json`;
}

/**
 * The Evidence Index rows of every trusted envelope, sorted by bundle path (byte-wise), with the
 * controls and criteria that use each and its place in the bundle.
 */
export function buildEvidenceIndex(
  facts: ReadonlyMap<string, EvidenceFacts>,
  evaluation: Pick<Evaluation, 'controls'>,
  controls: readonly Control[],
  config: Pick<Config, 'period' | 'regions' | 'regionPairs' | 'scope' | 'residency' | 'targets' | 'waivers'>,
): EvidenceIndexRow[] {
  const order = new Map(controls.map((c, i) => [c.id, i]));
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  // Controls that do not apply to this config read nothing.
  const applicable = controls.filter((c) => !c.notApplicable?.(config));
  const requiredBy = new Map<string, string[]>();
  const readBy = new Map<string, string[]>();
  for (const c of applicable) {
    for (const s of c.requires) requiredBy.set(s, [...(requiredBy.get(s) ?? []), c.id]);
    for (const s of c.optional ?? []) readBy.set(s, [...(readBy.get(s) ?? []), c.id]);
  }
  const citedBy = new Map<string, Set<string>>();
  for (const result of evaluation.controls) {
    for (const exception of result.exceptions) {
      for (const id of exception.evidence) {
        const set = citedBy.get(id) ?? new Set<string>();
        set.add(result.id);
        citedBy.set(id, set);
      }
    }
  }
  const byRank = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);

  const rows: EvidenceIndexRow[] = [];
  for (const f of facts.values()) {
    const e = f.summary;
    const cited = [...(citedBy.get(e.id) ?? [])].sort(byRank);
    const required = requiredBy.get(e.collector) ?? [];
    const optional = readBy.get(e.collector) ?? [];
    const users = new Set([...cited, ...required, ...optional]);
    if (users.size === 0) users.add(COVERAGE_CONTROL);
    const primary = cited.find((id) => id !== COVERAGE_CONTROL) ?? required[0] ?? optional[0] ?? (cited.length ? cited[0] : COVERAGE_CONTROL);
    const criterion = criteriaOf(primary)[0] ?? 'other';
    const controlIds = [...users].sort();
    rows.push({
      id: e.id,
      snapshotId: e.snapshotId,
      collector: e.collector,
      criteria: [...new Set(controlIds.flatMap((id) => criteriaOf(id)))].sort(),
      controls: controlIds,
      operations: [...new Set(f.provenance.calls.map((c) => c.operation))].sort(),
      account: e.account,
      region: e.region,
      window: { start: e.window.start, end: e.window.end },
      recordCount: e.recordCount,
      collectedAt: f.provenance.endedAt,
      sha256: f.sha256,
      bundlePath: evidenceBundlePath(criterion, primary, e.id),
    });
  }
  return rows.sort((a, b) => Buffer.compare(Buffer.from(a.bundlePath), Buffer.from(b.bundlePath)));
}
