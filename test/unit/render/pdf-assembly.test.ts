import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef } from 'pdf-lib';
import { appendPrintPages, finishDocument, loadPrint, prependPrints, type AssembledDestination, type FinishOptions } from '../../../src/render/pdf-assembly.js';
import { sha256Hex } from '../../../src/util/hash.js';

/** A stand-in for a Chromium print: `pages` pages and a /Dests dictionary like Chromium's. */
async function fakePrint(pages: number, dests: Record<string, [number, number]>): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595.92, 841.92]);
  const dict = doc.context.obj({});
  for (const [name, [page, y]] of Object.entries(dests)) dict.set(PDFName.of(name), doc.context.obj([doc.getPage(page).ref, 'XYZ', 6, y, 0]));
  doc.catalog.set(PDFName.of('Dests'), doc.context.register(dict));
  return doc.save();
}

async function assemble(): Promise<{ bytes: Uint8Array; options: FinishOptions }> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const body = await loadPrint(await fakePrint(3, { 's-one': [0, 800], 's-two': [2, 400] }));
  const pages = await appendPrintPages(out, body, 3);
  await prependPrints(out, [await loadPrint(await fakePrint(1, {})), await loadPrint(await fakePrint(1, {}))]);
  const destinations = new Map<string, AssembledDestination>([
    ['s-one', { page: pages[0].ref, x: 6, y: 800 }],
    ['s-two', { page: pages[2].ref, x: 6, y: 400 }],
  ]);
  const options: FinishOptions = {
    destinations,
    outline: [
      { title: '1  One', level: 1, destination: destinations.get('s-one')! },
      { title: '1.1  Ünïcode — two', level: 2, destination: destinations.get('s-two')! },
    ],
    footer: { text: 'Bundle b-1 · Generated 15 January 2026 09:30 UTC ✓', fromPage: 1, marginLeftMm: 18, marginRightMm: 18, marginBottomMm: 18 },
    metadata: { title: 'T', author: 'Org', subject: 'S', keywords: ['SOC 2', 'b-1'], creator: 'proofpack test', producer: 'proofpack test', date: new Date('2026-01-15T09:30:00Z'), id: 'ab'.repeat(16) },
  };
  return { bytes: await finishDocument(out, options), options };
}

describe('PDF assembly (pdf-lib, no browser)', () => {
  test('loadPrint reads named destinations: page index and position', async () => {
    const print = await loadPrint(await fakePrint(3, { 's-one': [0, 800], 'pp-row-7': [2, 123.5] }));
    expect(print.pageCount).toBe(3);
    expect(Object.fromEntries(print.destinations)).toEqual({ 's-one': { pageIndex: 0, x: 6, y: 800 }, 'pp-row-7': { pageIndex: 2, x: 6, y: 123.5 } });
  });

  test('front matter goes before the body; destinations keep pointing at the body pages', async () => {
    const { bytes } = await assemble();
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(5);
    const refs = doc.getPages().map((p) => p.ref.toString());
    const dests = doc.catalog.lookup(PDFName.of('Dests'), PDFDict);
    const pageOf = (name: string) => refs.indexOf((dests.lookup(PDFName.of(name), PDFArray).get(0) as PDFRef).toString());
    expect([pageOf('s-one'), pageOf('s-two')]).toEqual([2, 4]);
  });

  test('bookmarks nest by level and carry Unicode titles', async () => {
    const doc = await PDFDocument.load((await assemble()).bytes);
    const outlines = doc.catalog.lookup(PDFName.of('Outlines'), PDFDict);
    const first = outlines.lookup(PDFName.of('First'), PDFDict);
    const child = first.lookup(PDFName.of('First'), PDFDict);
    expect((first.lookup(PDFName.of('Title')) as PDFHexString).decodeText()).toBe('1  One');
    expect((child.lookup(PDFName.of('Title')) as PDFHexString).decodeText()).toBe('1.1  Ünïcode — two');
    expect(doc.catalog.get(PDFName.of('PageMode'))).toBe(PDFName.of('UseOutlines'));
  });

  test('fixed metadata and /ID; the same input gives the same bytes', async () => {
    const a = await assemble();
    const b = await assemble();
    expect(sha256Hex(a.bytes)).toBe(sha256Hex(b.bytes));
    const doc = await PDFDocument.load(a.bytes, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-01-15T09:30:00.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2026-01-15T09:30:00.000Z');
    expect(doc.getProducer()).toBe('proofpack test');
    expect(doc.getCreator()).toBe('proofpack test');
    const id = doc.context.trailerInfo.ID as PDFArray;
    expect((id.get(0) as PDFHexString).asString()).toBe('ab'.repeat(16));
    expect(Buffer.from(a.bytes).toString('latin1')).not.toMatch(/pdf-lib \(https/);
  });
});
