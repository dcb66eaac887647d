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

const LANE_STEP = 9;
const CORRIDOR_STEP = 7;

interface CrossRoute {
  edge: Edge;
  side: 'left' | 'right';
  lane: number;
  /** Index of this edge among the ones leaving the same box side, and how many there are. */
  slot: number;
  slots: number;
  /** Set when the lower box is on the other side: the route enters it from above, along this corridor. */
  corridor?: number;
}

/**
 * The SVG of one account's regions and flows. Regions of a row are joined by straight lines
 * across the gap, labelled there. Regions on different rows are joined by an orthogonal route
 * around the boxes: out of the upper box's outer side, down a lane in the margin, and into the
 * lower box's outer side (or, when it is in the other column, along a corridor above its row and
 * into its top); its label sits under the upper box.
 */
export function renderRegionDiagramSvg(input: RegionDiagramInput): string {
  const { placed, bands, rows } = placeRegions(input);
  const edges = buildEdges(input.flows, placed);
  const pairOf = new Map<string, string>();
  for (const { pair } of bands) {
    pairOf.set(pair.primary, `Primary; pair with ${pair.secondary}`);
    pairOf.set(pair.secondary, `Secondary; pair with ${pair.primary}`);
  }

  // Box contents, wrapped; every box gets the height of the fullest one.
  const boxText = new Map<string, string[]>();
  for (const p of placed.values()) {
    const lines = (p.lines.length ? p.lines : ['no resources in the evidence']).flatMap((l) => wrapText(l, BOX_FONT, BOX_W - 20));
    boxText.set(p.region, lines.slice(0, 8));
  }
  const headH = 40 + (pairOf.size ? 14 : 0);
  const boxH = headH + Math.max(1, ...[...boxText.values()].map((l) => l.length)) * BOX_LINE + 8;

  const sameRow = edges.filter((e) => placed.get(e.a)!.row === placed.get(e.b)!.row);
  const crossRow = edges.filter((e) => placed.get(e.a)!.row !== placed.get(e.b)!.row);
  const labels = new Map<Edge, string[]>();
  for (const e of sameRow) labels.set(e, e.lines.flatMap((l) => wrapText(l, LABEL_FONT, GAP - 14)).slice(0, 6));
  for (const e of crossRow) labels.set(e, e.lines.flatMap((l) => wrapText(l, LABEL_FONT, BOX_W + GAP / 2)).slice(0, 6));

  // Lanes and corridors of the routes between rows.
  const routes: CrossRoute[] = [];
  const lanes = { left: 0, right: 0 };
  const corridorsAt = new Array<number>(rows).fill(0);
  const slotsAt = new Map<string, number>();
  for (const e of crossRow) {
    const a = placed.get(e.a)!;
    const b = placed.get(e.b)!;
    const side = a.column === 0 ? 'left' : 'right';
    const route: CrossRoute = { edge: e, side, lane: lanes[side]++, slot: 0, slots: 0 };
    if (b.column !== a.column) route.corridor = corridorsAt[b.row]++;
    for (const region of [e.a, ...(route.corridor === undefined ? [e.b] : [])]) slotsAt.set(`${region}|${side}`, (slotsAt.get(`${region}|${side}`) ?? 0) + 1);
    routes.push(route);
  }
  const slotIndex = new Map<string, number>();
  const slotOf = (region: string, side: string) => {
    const key = `${region}|${side}`;
    const n = slotIndex.get(key) ?? 0;
    slotIndex.set(key, n + 1);
    return { slot: n, slots: slotsAt.get(key) ?? 1 };
  };

  // Vertical space: labels of same-row edges that reach past a box's half height, labels of routes under their upper box, corridors above the lower one.
  const above = new Array<number>(rows).fill(0);
  const below = new Array<number>(rows).fill(0);
  for (const e of sameRow) {
    const row = placed.get(e.a)!.row;
    const spill = Math.max(0, labels.get(e)!.length * LABEL_LINE + 22 - boxH / 2);
    if (e.category === 'replication') above[row] = Math.max(above[row], spill);
    else below[row] = Math.max(below[row], spill);
  }
  const routeLabelsUnder = new Array<number>(rows).fill(0);
  for (const r of routes) routeLabelsUnder[placed.get(r.edge.a)!.row] += (labels.get(r.edge)!.length + 1) * LABEL_LINE + 4;

  const marginLeft = MARGIN + (lanes.left ? 8 + lanes.left * LANE_STEP : 0);
  const marginRight = MARGIN + (lanes.right ? 8 + lanes.right * LANE_STEP : 0);
  const width = marginLeft + BOX_W * 2 + GAP + marginRight;
  const boxX = (p: Placed) => marginLeft + p.column * (BOX_W + GAP);
  const rowTop: number[] = [];
  let y = MARGIN;
  for (let r = 0; r < rows; r++) {
    y += above[r] + (corridorsAt[r] ? 8 + corridorsAt[r] * CORRIDOR_STEP : 0);
    rowTop.push(y);
    y += boxH + below[r] + (routeLabelsUnder[r] ? 12 + routeLabelsUnder[r] : 0) + 26;
  }
  const legendY = y + 4;
  const height = legendY + 34;
  const mid = (p: Placed) => rowTop[p.row] + boxH / 2;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r1(width)}" height="${r1(height)}" viewBox="0 0 ${r1(width)} ${r1(height)}" font-family="${escapeXml(FONT)}">`,
    `<title>${escapeXml(input.title)}</title>`,
    '<defs>',
    ...(['replication', 'backup-copy'] as const).map(
      (c) => `<marker id="arrow-${c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS[c]}"/></marker>`,
    ),
    '</defs>',
    `<rect x="0" y="0" width="${r1(width)}" height="${r1(height)}" fill="#ffffff"/>`,
  );
  for (const { row } of bands) {
    // The band holds the pair's boxes and the labels of the flows between them.
    out.push(`<rect x="${r1(marginLeft - 8)}" y="${r1(rowTop[row] - above[row] - 8)}" width="${r1(BOX_W * 2 + GAP + 16)}" height="${r1(above[row] + boxH + below[row] + 16)}" rx="8" fill="${COLORS.band}"/>`);
  }
  for (const p of placed.values()) {
    const x = boxX(p);
    const top = rowTop[p.row];
    const name = regionDisplayName(p.region);
    out.push(
      `<rect x="${r1(x)}" y="${r1(top)}" width="${BOX_W}" height="${r1(boxH)}" rx="5" fill="#ffffff" stroke="${COLORS.box}" stroke-width="1.3"/>`,
      `<text x="${r1(x + 10)}" y="${r1(top + 20)}" font-size="14" font-weight="bold" fill="${COLORS.box}">${escapeXml(p.region)}</text>`,
    );
    if (name !== p.region) out.push(`<text x="${r1(x + 10)}" y="${r1(top + 35)}" font-size="10.5" fill="${COLORS.muted}">${escapeXml(wrapText(name, 10.5, BOX_W - 20)[0] ?? '')}</text>`);
    if (pairOf.has(p.region)) out.push(`<text x="${r1(x + 10)}" y="${r1(top + 49)}" font-size="10.5" font-style="italic" fill="${COLORS.muted}">${escapeXml(pairOf.get(p.region)!)}</text>`);
    boxText.get(p.region)!.forEach((line, i) => {
      out.push(`<text x="${r1(x + 10)}" y="${r1(top + headH + 14 + i * BOX_LINE)}" font-size="${BOX_FONT}" fill="${COLORS.text}">${escapeXml(line)}</text>`);
    });
  }
  const style = (e: Edge) => {
    const dash = e.category === 'backup-copy' ? ' stroke-dasharray="7 4"' : '';
    const markers = `${e.forward ? ` marker-end="url(#arrow-${e.category})"` : ''}${e.backward ? ` marker-start="url(#arrow-${e.category})"` : ''}`;
    return `stroke="${COLORS[e.category]}" stroke-width="1.8" fill="none"${dash}${markers}`;
  };
  const text = (x: number, top: number, lines: string[], color: string, anchor: 'start' | 'middle' | 'end') =>
    lines.map((line, i) => `<text x="${r1(x)}" y="${r1(top + (i + 1) * LABEL_LINE - 3)}" font-size="${LABEL_FONT}" text-anchor="${anchor}" fill="${color}">${escapeXml(line)}</text>`);
  for (const e of sameRow) {
    const pa = placed.get(e.a)!;
    const pb = placed.get(e.b)!;
    const dy = e.category === 'replication' ? -10 : 10;
    const lineY = mid(pa) + dy;
    const x1 = boxX(pa) + BOX_W;
    const x2 = boxX(pb);
    const block = labels.get(e)!;
    out.push(`<line x1="${r1(x1)}" y1="${r1(lineY)}" x2="${r1(x2)}" y2="${r1(lineY)}" ${style(e)}/>`);
    const top = e.category === 'replication' ? lineY - 6 - block.length * LABEL_LINE : lineY + 6;
    out.push(...text((x1 + x2) / 2, top, block, COLORS[e.category], 'middle'));
  }
  const labelTop = new Map<number, number>();
  for (const r of routes) {
    const pa = placed.get(r.edge.a)!;
    const pb = placed.get(r.edge.b)!;
    const left = r.side === 'left';
    const laneX = left ? marginLeft - 8 - r.lane * LANE_STEP - 4 : marginLeft + BOX_W * 2 + GAP + 8 + r.lane * LANE_STEP + 4;
    const spread = (slot: { slot: number; slots: number }) => (slot.slot - (slot.slots - 1) / 2) * 9;
    const startX = left ? boxX(pa) : boxX(pa) + BOX_W;
    const startY = mid(pa) + spread(slotOf(r.edge.a, r.side));
    let d = `M${r1(startX)},${r1(startY)} H${r1(laneX)}`;
    if (r.corridor === undefined) {
      const endY = mid(pb) + spread(slotOf(r.edge.b, r.side));
      d += ` V${r1(endY)} H${r1(left ? boxX(pb) : boxX(pb) + BOX_W)}`;
    } else {
      const corridorY = rowTop[pb.row] - above[pb.row] - 8 - r.corridor * CORRIDOR_STEP;
      const entryX = boxX(pb) + BOX_W / 2 + (r.corridor - (corridorsAt[pb.row] - 1) / 2) * 12;
      d += ` V${r1(corridorY)} H${r1(entryX)} V${r1(rowTop[pb.row])}`;
    }
    out.push(`<path d="${d}" ${style(r.edge)}/>`);
    // The label under the upper box, stacked with the other routes leaving that row.
    const arrow = r.edge.forward && r.edge.backward ? '⇄' : r.edge.forward ? '→' : '←';
    const block = [`${r.edge.a} ${arrow} ${r.edge.b}:`, ...labels.get(r.edge)!];
    const under = labelTop.get(pa.row) ?? rowTop[pa.row] + boxH + below[pa.row] + 10;
    labelTop.set(pa.row, under + block.length * LABEL_LINE + 4);
    out.push(...text(left ? boxX(pa) : boxX(pa) + BOX_W, under, block, COLORS[r.edge.category], left ? 'start' : 'end'));
  }
  const lx = marginLeft;
  out.push(
    `<line x1="${r1(lx)}" y1="${r1(legendY)}" x2="${r1(lx + 34)}" y2="${r1(legendY)}" stroke="${COLORS.replication}" stroke-width="1.8" marker-end="url(#arrow-replication)"/>`,
    `<text x="${r1(lx + 42)}" y="${r1(legendY + 4)}" font-size="10.5" fill="${COLORS.text}">replication (S3, RDS/Aurora, DynamoDB)</text>`,
    `<line x1="${r1(lx + 262)}" y1="${r1(legendY)}" x2="${r1(lx + 296)}" y2="${r1(legendY)}" stroke="${COLORS['backup-copy']}" stroke-width="1.8" stroke-dasharray="7 4" marker-end="url(#arrow-backup-copy)"/>`,
    `<text x="${r1(lx + 304)}" y="${r1(legendY + 4)}" font-size="10.5" fill="${COLORS.text}">backup copies (copy rules, copy jobs)</text>`,
    `<text x="${r1(lx)}" y="${r1(legendY + 22)}" font-size="9.5" fill="${COLORS.muted}">Arrows point from source to destination; ⇄ both ways. Shaded: a region pair. State at the end of the period; copy jobs over the period.</text>`,
    '</svg>',
  );
  return out.join('\n');
}
