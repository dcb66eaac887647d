import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer';
import { RenderError } from '../errors.js';
import type { Orientation, PaperSize } from './document-model.js';
import { hardenHtml } from './harden-html.js';

/**
 * The only module that touches Chromium. One browser per report run, one page in it, hardened:
 * JavaScript off, offline, every request aborted (and counted), a strict CSP inserted into every
 * page, meta refresh stripped. Output is untagged (tagged PDFs are ~20× larger and twice as slow).
 */

export interface PdfPageOptions {
  paperSize: PaperSize;
  orientation?: Orientation;
  /** Millimetres. The header is printed inside the top margin. */
  margin: { top: number; bottom: number; left: number; right: number };
  /** Chromium's running header for every page of this print: trusted HTML from our own template, values escaped. */
  headerTemplate?: string;
}

export interface PdfRenderer {
  /** Prints one HTML page to PDF bytes. Calls are serialized (one page, one print at a time). */
  renderPdf(html: string, options: PdfPageOptions): Promise<Uint8Array>;
  /** How many requests pages have attempted since the renderer opened (each was aborted). `data:` URIs are inline content, not requests, and are let through. */
  readonly blockedRequestCount: number;
  /** The first 100 of those requests' URLs, for error messages and tests. */
  readonly blockedRequestUrls: readonly string[];
  close(): Promise<void>;
}

export interface OpenPdfRendererOptions {
  /** A Chromium or Chrome binary; otherwise `findChromium()` chooses one. */
  executablePath?: string;
  env?: NodeJS.ProcessEnv;
}

/** The flags every launch gets (puppeteer adds its own defaults, and --user-data-dir for the fresh profile). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/snap/bin/chromium'];
const PRINT_TIMEOUT_MS = 300_000;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function bundledChromium(): string | undefined {
  try {
    return puppeteer.executablePath();
  } catch {
    return undefined;
  }
}

/**
 * Which browser to launch: `PUPPETEER_EXECUTABLE_PATH` if set, else the system's Chromium
 * (Debian's `chromium` package), else the browser puppeteer downloaded; otherwise an error that
 * says how to get one.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = isExecutable,
  bundled: () => string | undefined = bundledChromium,
): string {
  const configured = env.PUPPETEER_EXECUTABLE_PATH;
  if (configured) {
    if (!exists(configured)) {
      throw new RenderError(
        `PUPPETEER_EXECUTABLE_PATH is "${configured}", which is not an executable file: point it at a Chromium or Chrome binary, or unset it to use the system's Chromium`,
      );
    }
    return configured;
  }
  for (const candidate of SYSTEM_CHROMIUM) if (exists(candidate)) return candidate;
  const own = bundled();
  if (own && exists(own)) return own;
  throw new RenderError(
    'no Chromium found to render the PDFs. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; ' +
      "or puppeteer's own: `npx puppeteer browsers install chrome`), or set PUPPETEER_EXECUTABLE_PATH to a Chromium or Chrome binary.",
  );
}

/** Starts one hardened browser for a report run; close it when the run is done. */
export async function openPdfRenderer(options: OpenPdfRendererOptions = {}): Promise<PdfRenderer> {
  const executablePath = options.executablePath ?? findChromium(options.env ?? process.env);
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir,
      args: [...CHROMIUM_FLAGS],
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw new RenderError(`cannot start Chromium (${executablePath}): ${(error as Error).message}`, { cause: error });
  }

  const blockedUrls: string[] = [];
  let blockedCount = 0;
  const openPage = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setOfflineMode(true);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      if (request.isInterceptResolutionHandled()) return;
      const url = request.url();
      if (url.startsWith('data:')) {
        void request.continue();
        return;
      }
      blockedCount += 1;
      if (blockedUrls.length < 100) blockedUrls.push(url);
      void request.abort('blockedbyclient');
    });
    return page;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function print(html: string, options: PdfPageOptions): Promise<Uint8Array> {
    if (closed) throw new RenderError('the PDF renderer is closed');
    const m = options.margin;
    let page: Page | undefined;
    try {
      // A fresh page for every print: a renderer keeps memory from each document it has laid out
      // (measured: +300 MB over 40 prints on one page), so reusing one would grow without bound.
      page = await openPage();
      await page.setContent(hardenHtml(html), { waitUntil: 'load', timeout: PRINT_TIMEOUT_MS });
      return await page.pdf({
        format: options.paperSize === 'A4' ? 'a4' : 'letter',
        landscape: options.orientation === 'landscape',
        printBackground: true,
        tagged: false,
        outline: false,
        preferCSSPageSize: false,
        displayHeaderFooter: options.headerTemplate !== undefined,
        headerTemplate: options.headerTemplate ?? '<span></span>',
        // The footer ("Page X of Y" across every chunk) is stamped onto the merged document instead.
        footerTemplate: '<span></span>',
        margin: { top: `${m.top}mm`, bottom: `${m.bottom}mm`, left: `${m.left}mm`, right: `${m.right}mm` },
        timeout: PRINT_TIMEOUT_MS,
      });
    } catch (error) {
      throw new RenderError(`Chromium could not print a page: ${(error as Error).message}`, { cause: error });
    } finally {
      await page?.close().catch(() => undefined);
    }
  }

  return {
    renderPdf(html, options) {
      const result = queue.then(() => print(html, options));
      queue = result.catch(() => undefined);
      return result;
    },
    get blockedRequestCount() {
      return blockedCount;
    },
    get blockedRequestUrls() {
      return [...blockedUrls];
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      try {
        await browser.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
