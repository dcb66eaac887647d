/**
 * The control catalogue as a table (id, compliant condition, criteria, evidence used, how
 * measured): what docs/CONTROLS.md and the Control Results document show, built from the
 * controls and the SOC 2 mapping (data, never restated by hand).
 */
import { CONTROLS } from './index.js';
import { SOC2_CRITERIA, criteriaOf } from './soc2-mapping.js';
import type { Control } from './types.js';

export interface CatalogueRow {
  id: string;
  /** The compliant condition. */
  title: string;
  criteria: string[];
  /** Collector ids the control requires, then the ones it reads when present. */
  requires: string[];
  optional: string[];
  measure: string;
}

export function buildCatalogue(controls: readonly Control[] = CONTROLS): CatalogueRow[] {
  return controls.map((c) => ({
    id: c.id,
    title: c.title,
    criteria: criteriaOf(c.id),
    requires: [...c.requires],
    optional: [...(c.optional ?? [])],
    measure: c.measure,
  }));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/CONTROLS.md: the catalogue table, the criteria it maps to, and each control in full. */
export function renderControlsDoc(rows: readonly CatalogueRow[] = buildCatalogue()): string {
  const lines: string[] = [
    '<!-- Generated from src/controls (the catalogue and src/controls/soc2-mapping.ts) by `npm run docs`. Do not edit. -->',
    '# Controls',
    '',
    'Each control is a pure function of the period\'s evidence (`proofpack evaluate`), with a status `pass`, `fail`, `not_applicable`, `error` (could not be evaluated: missing or invalid evidence, never a pass) or `waived`, and exceptions naming the resource, account, region, time and evidence ids. Titles state the compliant condition. Targets come from the config\'s `targets`; scope from `scope.tags`.',
    '',
    '| id | compliant when | criteria | evidence used | how measured |',
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const evidence = [...r.requires.map((s) => `\`${s}\``), ...r.optional.map((s) => `\`${s}\` (if present)`)].join(', ') || '—';
    lines.push(`| \`${r.id}\` | ${cell(r.title)} | ${r.criteria.join(', ')} | ${evidence} | ${cell(r.measure)} |`);
  }
  const used = [...new Set(rows.flatMap((r) => r.criteria))].sort();
  lines.push('', '## Criteria', '', '| criterion | text | controls |', '|---|---|---|');
  for (const c of used) {
    lines.push(`| ${c} | ${cell(SOC2_CRITERIA[c] ?? '')} | ${rows.filter((r) => r.criteria.includes(c)).map((r) => `\`${r.id}\``).join(', ')} |`);
  }
  lines.push(
    '',
    'AWS publishes no SOC 2 conformance pack; this mapping is proofpack\'s own, kept as data in `src/controls/soc2-mapping.ts`.',
    '',
  );
  return lines.join('\n');
}
