import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFRef,
  StandardFonts,
  rgb,
  type PDFObject,
  type PDFPage,
} from 'pdf-lib';
import { RenderError } from '../errors.js';

/**
 * pdf-lib work on Chromium's output, no browser involved: read where a print's named
 * destinations landed, merge prints, and finish the merged document — named destinations for the
 * table of contents' links, bookmarks, the "Page X of Y" footer, and fixed metadata so the same
 * document model always gives the same bytes.
 */

const MM = 72 / 25.4;

/** A named destination in a print: its 0-based page and the top-left point Chromium recorded. */
export interface PrintDestination {
  pageIndex: number;
  x: number;
  y: number;
}

export interface LoadedPrint {
  doc: PDFDocument;
  pageCount: number;
  destinations: Map<string, PrintDestination>;
}

/** A destination in the assembled document (the page object, which survives pages inserted before it). */
export interface AssembledDestination {
  page: PDFRef;
  x: number;
  y: number;
}

/** Loads one Chromium print and reads its named destinations (Chromium writes them as the catalog's /Dests dictionary). */
export async function loadPrint(bytes: Uint8Array): Promise<LoadedPrint> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const pageIndexByRef = new Map<string, number>();
  doc.getPages().forEach((page, index) => pageIndexByRef.set(page.ref.toString(), index));
  const destinations = new Map<string, PrintDestination>();
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (dests) {
    for (const [name, value] of dests.entries()) {
      const array = resolveDestinationArray(doc, value);
      const pageRef = array?.get(0);
      if (!array || !(pageRef instanceof PDFRef)) continue;
      const pageIndex = pageIndexByRef.get(pageRef.toString());
      if (pageIndex === undefined) continue;
      destinations.set(name.decodeText(), { pageIndex, x: numberAt(array, 2), y: numberAt(array, 3) });
    }
  }
  return { doc, pageCount: doc.getPageCount(), destinations };
}

function resolveDestinationArray(doc: PDFDocument, value: PDFObject): PDFArray | undefined {
  const resolved = value instanceof PDFRef ? doc.context.lookup(value) : value;
  if (resolved instanceof PDFArray) return resolved;
  if (resolved instanceof PDFDict) {
    const d = resolved.lookup(PDFName.of('D'));
    return d instanceof PDFArray ? d : undefined;
  }
  return undefined;
}

function numberAt(array: PDFArray, index: number): number {
  const value = array.size() > index ? array.get(index) : undefined;
  return value instanceof PDFNumber ? value.asNumber() : 0;
}

/** Copies the first `count` pages of a print to the end of `target`; returns the copies. */
export async function appendPrintPages(target: PDFDocument, print: LoadedPrint, count: number = print.pageCount): Promise<PDFPage[]> {
  const indices = Array.from({ length: count }, (_, i) => i);
  const pages = await target.copyPages(print.doc, indices);
  for (const page of pages) target.addPage(page);
  return pages;
}

/** Copies every page of the prints, in order, to the front of `target`. */
export async function prependPrints(target: PDFDocument, prints: LoadedPrint[]): Promise<void> {
  let at = 0;
  for (const print of prints) {
    const pages = await target.copyPages(print.doc, print.doc.getPageIndices());
    for (const page of pages) target.insertPage(at++, page);
  }
}

export interface OutlineEntry {
  title: string;
  level: number;
  destination: AssembledDestination;
}

export interface DocumentMetadata {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  creator: string;
  producer: string;
  /** CreationDate and ModDate both. */
  date: Date;
  /** Hex string; the trailer's /ID (both halves). */
  id: string;
}

export interface FinishOptions {
  destinations: Map<string, AssembledDestination>;
  outline: OutlineEntry[];
  footer: { text: string; fromPage: number; marginLeftMm: number; marginRightMm: number; marginBottomMm: number };
  metadata: DocumentMetadata;
}

/** Adds destinations, bookmarks, the footer and fixed metadata, and serializes the document. */
export async function finishDocument(doc: PDFDocument, options: FinishOptions): Promise<Uint8Array> {
  addNamedDestinations(doc, options.destinations);
  addOutline(doc, options.outline);
  await stampFooters(doc, options.footer);
  setMetadata(doc, options.metadata);
  return doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
}

function destinationArray(doc: PDFDocument, destination: AssembledDestination): PDFArray {
  return doc.context.obj([destination.page, PDFName.of('XYZ'), destination.x, destination.y, PDFNull]);
}

function addNamedDestinations(doc: PDFDocument, destinations: Map<string, AssembledDestination>): void {
  const dests = doc.context.obj({});
  for (const name of [...destinations.keys()].sort()) dests.set(PDFName.of(name), destinationArray(doc, destinations.get(name)!));
  doc.catalog.set(PDFName.of('Dests'), doc.context.register(dests));
}

interface OutlineNode {
  entry: OutlineEntry;
  ref: PDFRef;
  children: OutlineNode[];
}

function addOutline(doc: PDFDocument, entries: OutlineEntry[]): void {
  if (entries.length === 0) return;
  const context = doc.context;
  const rootRef = context.nextRef();
  const roots: OutlineNode[] = [];
  const stack: OutlineNode[] = [];
  for (const entry of entries) {
    const node: OutlineNode = { entry, ref: context.nextRef(), children: [] };
    while (stack.length > 0 && stack[stack.length - 1].entry.level >= entry.level) stack.pop();
    (stack.length > 0 ? stack[stack.length - 1].children : roots).push(node);
    stack.push(node);
  }
  const countAll = (nodes: OutlineNode[]): number => nodes.reduce((n, node) => n + 1 + countAll(node.children), 0);
  const write = (nodes: OutlineNode[], parent: PDFRef): void => {
    nodes.forEach((node, i) => {
      const dict = context.obj({
        Title: PDFHexString.fromText(node.entry.title),
        Parent: parent,
        Dest: destinationArray(doc, node.entry.destination),
      });
      if (i > 0) dict.set(PDFName.of('Prev'), nodes[i - 1].ref);
      if (i < nodes.length - 1) dict.set(PDFName.of('Next'), nodes[i + 1].ref);
      if (node.children.length > 0) {
        dict.set(PDFName.of('First'), node.children[0].ref);
        dict.set(PDFName.of('Last'), node.children[node.children.length - 1].ref);
        dict.set(PDFName.of('Count'), PDFNumber.of(countAll(node.children)));
        write(node.children, node.ref);
      }
      context.assign(node.ref, dict);
    });
  };
  write(roots, rootRef);
  context.assign(
    rootRef,
    context.obj({ Type: 'Outlines', First: roots[0].ref, Last: roots[roots.length - 1].ref, Count: PDFNumber.of(countAll(roots)) }),
  );
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

async function stampFooters(doc: PDFDocument, footer: FinishOptions['footer']): Promise<void> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const encodable = new Set(font.getCharacterSet());
  // The standard font only encodes WinAnsi; anything else would throw, so it becomes "?".
  const safe = (text: string): string => [...text].map((ch) => (encodable.has(ch.codePointAt(0)!) ? ch : '?')).join('');
  const left = safe(footer.text);
  const size = 7.5;
  const grey = rgb(0.29, 0.33, 0.39);
  const total = doc.getPageCount();
  for (let i = footer.fromPage; i < total; i++) {
    const page = doc.getPage(i);
    const { width } = page.getSize();
    const x0 = footer.marginLeftMm * MM;
    const x1 = width - footer.marginRightMm * MM;
    const baseline = footer.marginBottomMm * MM * 0.42;
    const label = `Page ${i + 1} of ${total}`;
    page.drawLine({ start: { x: x0, y: baseline + 10 }, end: { x: x1, y: baseline + 10 }, thickness: 0.6, color: rgb(0.67, 0.71, 0.75) });
    page.drawText(left, { x: x0, y: baseline, size, font, color: grey });
    page.drawText(label, { x: x1 - font.widthOfTextAtSize(label, size), y: baseline, size, font, color: grey });
  }
}

function setMetadata(doc: PDFDocument, metadata: DocumentMetadata): void {
  doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  doc.setAuthor(metadata.author);
  doc.setSubject(metadata.subject);
  doc.setKeywords(metadata.keywords);
  doc.setCreator(metadata.creator);
  doc.setProducer(metadata.producer);
  doc.setCreationDate(metadata.date);
  doc.setModificationDate(metadata.date);
  if (!/^[0-9a-f]{32}$/.test(metadata.id)) throw new RenderError(`a PDF /ID must be 32 lower-case hex digits, not "${metadata.id}"`);
  const id = PDFHexString.of(metadata.id);
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
}
