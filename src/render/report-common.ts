import type { ReportContext } from '../report/types.js';
import type { Block, CellValue, DocumentModel, Orientation, StatusCell, TableBlock } from './document-model.js';
import { formatNumber } from './handlebars.js';

/** What every report document shares: the cover's facts, from the context (never the clock). */
export function documentBase(context: ReportContext, title: string, options: { subtitle?: string; notice?: string; orientation?: Orientation } = {}): Omit<DocumentModel, 'sections'> {
  return {
    title,
    ...(options.subtitle ? { subtitle: options.subtitle } : {}),
    organization: context.config.organization,
    system: context.config.system,
    period: { start: context.config.period.start, end: context.config.period.end },
    generatedAt: context.generatedAt,
    bundleId: context.bundleId,
    paperSize: context.config.report?.paperSize ?? 'A4',
    ...(options.orientation ? { orientation: options.orientation } : {}),
    ...(options.notice ? { notice: options.notice } : {}),
  };
}

/** `2026-03-10T02:00:00.000Z` → `2026-03-10 02:00` (UTC). */
export function formatInstant(iso: string | undefined): string {
  if (!iso) return '';
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso;
}

/** A window of two instants: one instant when they are equal (a point-in-time capture). */
export function formatWindow(start: string, end: string): string {
  if (start === end) return formatInstant(start);
  return `${formatInstant(start)} – ${formatInstant(end)}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatNumber(n)} ${n === 1 ? word : many}`;
}

export function paragraph(text: string, generated = false): Block {
  return generated ? { kind: 'paragraph', text, generated } : { kind: 'paragraph', text };
}

export function table(columns: TableBlock['columns'], rows: CellValue[][], options: Partial<Omit<TableBlock, 'kind' | 'columns' | 'rows'>> = {}): TableBlock {
  return { kind: 'table', columns, rows, ...options };
}

export function badge(status: StatusCell['status'], label?: string): StatusCell {
  return label ? { status, label } : { status };
}

/** `111111111111 (prod)`. */
export function accountLabel(id: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(id);
  return name && name !== id ? `${id} (${name})` : id;
}

/** Account names from the config (a list), else none. */
export function accountNames(context: ReportContext): Map<string, string> {
  return new Map((Array.isArray(context.config.accounts) ? context.config.accounts : []).map((a) => [a.id, a.name]));
}

/** A stable section id from words: `Access & keys` → `access-keys`. */
export function sectionId(prefix: string, words: string): string {
  const slug = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${prefix}${slug ? `-${slug}` : ''}`;
}
