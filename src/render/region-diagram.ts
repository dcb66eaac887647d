/**
 * The generated region diagram of one account (pure SVG, no script): a box per region, region
 * pairs side by side on a shaded band (primary left, secondary right), and between two regions one
 * line per kind of flow — replication (blue, solid) and backup copies (amber, dashed) — with
 * arrowheads showing the direction and a label listing what flows. The Diagrams Index shows it
 * as an image (a data: URI), so it can neither run script nor load anything.
 */
import type { RegionPair } from '../config/types.js';
import type { Flow, FlowKind } from './estate-facts.js';
import { regionDisplayName } from './region-names.js';

export interface RegionDiagramInput {
  /** Said in the SVG's <title> (the figure's caption is the document's). */
  title: string;
  regions: Array<{ region: string; lines: string[] }>;
  pairs: RegionPair[];
  flows: Flow[];
}

const BOX_W = 206;
const GAP = 226;
const MARGIN = 16;
const BAND_PAD = 10;
const FONT = "'Liberation Sans', 'DejaVu Sans', Arial, Helvetica, sans-serif";
const COLORS = { replication: '#1f5fa8', 'backup-copy': '#a35f00', box: '#14263f', band: '#edf1f6', muted: '#5a6b82', text: '#1f2933' } as const;
/** Average advance of Liberation Sans, in ems (for wrapping; generous so text never overflows). */
const CHAR_W = 0.55;
const BOX_FONT = 11;
const BOX_LINE = 14;
const LABEL_FONT = 10.5;
const LABEL_LINE = 13;

const DIAGRAM_LABELS: Record<FlowKind, string> = {
  's3-replication': 'S3 replication',
  'rds-read-replica': 'RDS read replica',
  'aurora-replica': 'Aurora replica cluster',
  'aurora-global': 'Aurora global database',
  'dynamodb-global': 'DynamoDB global table',
  'kms-multi-region': 'KMS key replica',
  'rds-backup-replication': 'RDS backup replication',
  'backup-copy-rule': 'Backup plan copy rule',
  'backup-copy-jobs': 'Copy jobs',
};

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Word-wraps `text` to lines at most `width` wide; a word longer than a line is cut. */
export function wrapText(text: string, fontSize: number, width: number): string[] {
  const max = Math.max(4, Math.floor(width / (fontSize * CHAR_W)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (w.length > max) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(w.slice(0, max));
      w = w.slice(max);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= max) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines;
}

interface Placed {
  region: string;
  lines: string[];
  column: 0 | 1;
  row: number;
}

interface Edge {
  a: string;
  b: string;
  category: 'replication' | 'backup-copy';
  forward: boolean;
  backward: boolean;
  lines: string[];
}

/** Rows of two columns: each pair on its own row (primary left), then the other regions two by two. */
function placeRegions(input: RegionDiagramInput): { placed: Map<string, Placed>; bands: Array<{ row: number; pair: RegionPair }>; rows: number } {
  const known = new Map(input.regions.map((r) => [r.region, r]));
  const placed = new Map<string, Placed>();
  const bands: Array<{ row: number; pair: RegionPair }> = [];
  let row = 0;
  const put = (region: string, column: 0 | 1, at: number) => placed.set(region, { region, lines: known.get(region)?.lines ?? [], column, row: at });
  for (const pair of input.pairs) {
    if (!known.has(pair.primary) || !known.has(pair.secondary)) continue;
    const p = placed.has(pair.primary);
    const s = placed.has(pair.secondary);
    if (p && s) continue;
    if (!p) put(pair.primary, 0, row);
    if (!s) put(pair.secondary, 1, row);
    if (!p && !s) bands.push({ row, pair });
    row += 1;
  }
  const rest = input.regions.map((r) => r.region).filter((r) => !placed.has(r));
  for (let i = 0; i < rest.length; i += 2) {
    put(rest[i], 0, row);
    if (rest[i + 1]) put(rest[i + 1], 1, row);
    row += 1;
  }
  return { placed, bands, rows: row };
}

/** One edge per unordered region pair and category, labelled with every kind of flow on it. */
function buildEdges(flows: Flow[], placed: Map<string, Placed>): Edge[] {
  const groups = new Map<string, { a: string; b: string; category: Edge['category']; items: Flow[] }>();
  for (const f of flows) {
    if (f.category === 'key' || f.from === f.to || !placed.has(f.from) || !placed.has(f.to)) continue;
    const pf = placed.get(f.from)!;
    const pt = placed.get(f.to)!;
    // a is the upper box, or the left one on the same row: "forward" reads left to right, top to bottom.
    const [a, b] = pf.row < pt.row || (pf.row === pt.row && pf.column <= pt.column) ? [f.from, f.to] : [f.to, f.from];
    const key = `${a}|${b}|${f.category}`;
    const g = groups.get(key) ?? { a, b, category: f.category, items: [] };
    g.items.push(f);
    groups.set(key, g);
  }
  const edges: Edge[] = [];
  for (const g of groups.values()) {
    let forward = false;
    let backward = false;
    const counts = new Map<string, { n: number; jobs?: { completed: number; failed: number; other: number } }>();
    for (const f of g.items) {
      const dir = f.bidirectional ? '⇄' : f.from === g.a ? '→' : '←';
      if (f.bidirectional || f.from === g.a) forward = true;
      if (f.bidirectional || f.from !== g.a) backward = true;
      const key = `${dir} ${DIAGRAM_LABELS[f.kind]}${f.toAccount ? ` to account ${f.toAccount}` : ''}`;
      const c = counts.get(key) ?? { n: 0 };
      c.n += 1;
      if (f.jobs) c.jobs = { completed: (c.jobs?.completed ?? 0) + f.jobs.completed, failed: (c.jobs?.failed ?? 0) + f.jobs.failed, other: (c.jobs?.other ?? 0) + f.jobs.other };
      counts.set(key, c);
    }
    const lines = [...counts.entries()].map(([label, c]) =>
      c.jobs ? `${label}: ${c.jobs.completed} completed, ${c.jobs.failed} failed${c.jobs.other ? `, ${c.jobs.other} other` : ''}` : `${label} ×${c.n}`,
    );
    edges.push({ a: g.a, b: g.b, category: g.category, forward, backward, lines });
  }
  return edges.sort((x, y) => x.a.localeCompare(y.a) || x.b.localeCompare(y.b) || x.category.localeCompare(y.category));
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The SVG of one account's regions and flows. */
export function renderRegionDiagramSvg(input: RegionDiagramInput): string {
  const { placed, bands, rows } = placeRegions(input);
  const edges = buildEdges(input.flows, placed);

  // Box contents, wrapped; every box gets the height of the fullest one.
  const boxText = new Map<string, string[]>();
  for (const p of placed.values()) {
    const lines = (p.lines.length ? p.lines : ['no resources in the evidence']).flatMap((l) => wrapText(l, BOX_FONT, BOX_W - 20));
    boxText.set(p.region, lines.slice(0, 8));
  }
  const boxH = 44 + Math.max(1, ...[...boxText.values()].map((l) => l.length)) * BOX_LINE + 8;
  // Labels, wrapped to the gap (same row) or to a box width (between rows).
  const edgeLabels = new Map<Edge, string[]>();
  for (const e of edges) {
    const sameRow = placed.get(e.a)!.row === placed.get(e.b)!.row;
    const width = sameRow ? GAP - 14 : BOX_W + 40;
    edgeLabels.set(e, e.lines.flatMap((l) => wrapText(l, LABEL_FONT, width)).slice(0, 6));
  }
  // Room above (replication labels) and below (backup labels) each row's boxes, for its same-row edges.
  const above = new Array<number>(rows).fill(0);
  const below = new Array<number>(rows).fill(0);
  for (const e of edges) {
    const pa = placed.get(e.a)!;
    if (pa.row !== placed.get(e.b)!.row) continue;
    const h = edgeLabels.get(e)!.length * LABEL_LINE;
    // The label block is centred on the line's side; only what passes the box's half height needs room.
    const spill = Math.max(0, h + 22 - boxH / 2);
    if (e.category === 'replication') above[pa.row] = Math.max(above[pa.row], spill);
    else below[pa.row] = Math.max(below[pa.row], spill);
  }
  const crossRows = edges.some((e) => placed.get(e.a)!.row !== placed.get(e.b)!.row);
  const rowGap = crossRows ? 90 : 34;
  const rowTop: number[] = [];
  let y = MARGIN + 6;
  for (let r = 0; r < rows; r++) {
    // A pair's band carries its label on a line of its own, above any edge label.
    y += (bands.some((b) => b.row === r) ? 18 : 0) + above[r];
    rowTop.push(y);
    y += boxH + below[r] + rowGap;
  }
  const width = MARGIN * 2 + BOX_W * 2 + GAP;
  const legendY = y - rowGap + 30;
  const height = legendY + 34;
  const boxX = (p: Placed) => MARGIN + p.column * (BOX_W + GAP);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${r1(height)}" viewBox="0 0 ${width} ${r1(height)}" font-family="${escapeXml(FONT)}">`,
    `<title>${escapeXml(input.title)}</title>`,
    '<defs>',
    ...(['replication', 'backup-copy'] as const).map(
      (c) => `<marker id="arrow-${c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS[c]}"/></marker>`,
    ),
    '</defs>',
    `<rect x="0" y="0" width="${width}" height="${r1(height)}" fill="#ffffff"/>`,
  );
  for (const { row, pair } of bands) {
    const top = rowTop[row] - above[row] - 18;
    const bottom = rowTop[row] + boxH + below[row] + BAND_PAD;
    out.push(
      `<rect x="${MARGIN - 8}" y="${r1(top - 4)}" width="${width - 2 * MARGIN + 16}" height="${r1(bottom - top + 4)}" rx="8" fill="${COLORS.band}"/>`,
      `<text x="${MARGIN}" y="${r1(top + 8)}" font-size="10" fill="${COLORS.muted}">${escapeXml(`Region pair: ${pair.primary} (primary) → ${pair.secondary} (secondary)`)}</text>`,
    );
  }
  for (const p of placed.values()) {
    const x = boxX(p);
    const top = rowTop[p.row];
    const name = regionDisplayName(p.region);
    out.push(
      `<rect x="${x}" y="${r1(top)}" width="${BOX_W}" height="${boxH}" rx="5" fill="#ffffff" stroke="${COLORS.box}" stroke-width="1.3"/>`,
      `<text x="${x + 10}" y="${r1(top + 20)}" font-size="14" font-weight="bold" fill="${COLORS.box}">${escapeXml(p.region)}</text>`,
    );
    if (name !== p.region) out.push(`<text x="${x + 10}" y="${r1(top + 35)}" font-size="10.5" fill="${COLORS.muted}">${escapeXml(wrapText(name, 10.5, BOX_W - 20)[0] ?? '')}</text>`);
    boxText.get(p.region)!.forEach((line, i) => {
      out.push(`<text x="${x + 10}" y="${r1(top + 54 + i * BOX_LINE)}" font-size="${BOX_FONT}" fill="${COLORS.text}">${escapeXml(line)}</text>`);
    });
  }
  for (const e of edges) {
    const pa = placed.get(e.a)!;
    const pb = placed.get(e.b)!;
    const color = COLORS[e.category];
    const dash = e.category === 'backup-copy' ? ' stroke-dasharray="7 4"' : '';
    const markers = `${e.forward ? ` marker-end="url(#arrow-${e.category})"` : ''}${e.backward ? ` marker-start="url(#arrow-${e.category})"` : ''}`;
    const labels = edgeLabels.get(e)!;
    const blockH = labels.length * LABEL_LINE;
    let x1: number, y1: number, x2: number, y2: number, labelTop: number, labelX: number;
    if (pa.row === pb.row) {
      const mid = rowTop[pa.row] + boxH / 2;
      const dy = e.category === 'replication' ? -10 : 10;
      [x1, y1, x2, y2] = [boxX(pa) + BOX_W, mid + dy, boxX(pb), mid + dy];
      labelX = (x1 + x2) / 2;
      labelTop = e.category === 'replication' ? mid + dy - 6 - blockH : mid + dy + 6;
    } else {
      // Between rows: from the bottom of the upper box to the top of the lower one, offset per category.
      const off = e.category === 'replication' ? -24 : 24;
      x1 = boxX(pa) + BOX_W / 2 + off;
      y1 = rowTop[pa.row] + boxH;
      x2 = boxX(pb) + BOX_W / 2 + off;
      y2 = rowTop[pb.row];
      labelX = (x1 + x2) / 2;
      labelTop = (y1 + y2) / 2 - blockH / 2;
    }
    out.push(`<line x1="${r1(x1)}" y1="${r1(y1)}" x2="${r1(x2)}" y2="${r1(y2)}" stroke="${color}" stroke-width="1.8"${dash}${markers}/>`);
    if (pa.row !== pb.row) {
      const w = Math.max(...labels.map((l) => l.length)) * LABEL_FONT * CHAR_W + 8;
      out.push(`<rect x="${r1(labelX - w / 2)}" y="${r1(labelTop - 2)}" width="${r1(w)}" height="${blockH + 4}" fill="#ffffff" fill-opacity="0.92"/>`);
    }
    labels.forEach((line, i) => {
      out.push(`<text x="${r1(labelX)}" y="${r1(labelTop + (i + 1) * LABEL_LINE - 3)}" font-size="${LABEL_FONT}" text-anchor="middle" fill="${color}">${escapeXml(line)}</text>`);
    });
  }
  const lx = MARGIN;
  out.push(
    `<line x1="${lx}" y1="${r1(legendY)}" x2="${lx + 34}" y2="${r1(legendY)}" stroke="${COLORS.replication}" stroke-width="1.8" marker-end="url(#arrow-replication)"/>`,
    `<text x="${lx + 42}" y="${r1(legendY + 4)}" font-size="10.5" fill="${COLORS.text}">replication (S3, RDS/Aurora, DynamoDB)</text>`,
    `<line x1="${lx + 262}" y1="${r1(legendY)}" x2="${lx + 296}" y2="${r1(legendY)}" stroke="${COLORS['backup-copy']}" stroke-width="1.8" stroke-dasharray="7 4" marker-end="url(#arrow-backup-copy)"/>`,
    `<text x="${lx + 304}" y="${r1(legendY + 4)}" font-size="10.5" fill="${COLORS.text}">backup copies (copy rules, copy jobs)</text>`,
    `<text x="${lx}" y="${r1(legendY + 22)}" font-size="9.5" fill="${COLORS.muted}">Arrows point from source to destination; ⇄ both ways. State at the end of the period; copy jobs over the period.</text>`,
    '</svg>',
  );
  return out.join('\n');
}
