import { StringDecoder } from 'node:string_decoder';

/**
 * CSV as RFC 4180 writes it (CRLF line ends, fields quoted when they hold a comma, a quote, CR or
 * LF, quotes doubled), UTF-8 without a byte-order mark, plus proofpack's header block: `# key: value`
 * lines before the column names, which pandas (`comment='#'`) and most CSV tools skip.
 */

export type CsvValue = string | number | boolean | null | undefined;

export const CSV_EOL = '\r\n';

/** Said in every header block, so that nobody mistakes a leading quote for data. */
export const FORMULA_ESCAPING_NOTE =
  "cells that begin with = + - @ TAB or CR are prefixed with a single quote (') so that spreadsheets show them as text instead of running them as formulas; plain numbers (e.g. -5, 1.5e3) are left as they are";

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Neutralizes spreadsheet formula injection (OWASP "CSV injection"). */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

export function formatCsvField(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : escapeFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatCsvRow(values: readonly CsvValue[]): string {
  return values.map(formatCsvField).join(',') + CSV_EOL;
}

/** `# key: value` lines; values are folded onto one line. */
export function formatCsvHeaderBlock(lines: ReadonlyArray<readonly [string, string]>): string {
  return lines.map(([key, value]) => `# ${key}: ${value.replace(/\s+/g, ' ').trim()}${CSV_EOL}`).join('');
}

/** Reads `# key: value` lines back (the sampler, tests). */
export function parseCsvHeaderBlock(comments: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of comments) {
    const match = /^#\s*([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (match) map.set(match[1], match[2]);
  }
  return map;
}

/**
 * A streaming RFC 4180 parser: feed it text (or bytes, decoded as UTF-8 across chunk borders) and
 * it returns the records completed so far. `#` lines before the first record are the header block
 * (in `comments`); after that, `#` is ordinary data. Blank lines are skipped. CRLF, LF and CR
 * line ends are accepted; quoted fields may span lines.
 */
export class CsvParser {
  readonly comments: string[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private field = '';
  private record: string[] = [];
  /** The current field has begun (a character or an opening quote). */
  private fieldStarted = false;
  private inQuotes = false;
  /** Inside quotes, a quote was just read: either the closing quote or the first of a doubled one. */
  private quoteSeen = false;
  /** The previous character ended a line with CR: a following LF belongs to it. */
  private afterCR = false;
  private comment: string | null = null;
  private recordsSeen = 0;
  private first = true;

  /** Complete records in the text pushed so far. */
  push(chunk: string | Buffer): string[][] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    const out: string[][] = [];
    for (const ch of text) this.consume(ch, out);
    return out;
  }

  /** The last record, if the text did not end with a line end. */
  end(): string[][] {
    const out: string[][] = [];
    for (const ch of this.decoder.end()) this.consume(ch, out);
    if (this.inQuotes && !this.quoteSeen) throw new Error(`unterminated quoted field in record ${this.recordsSeen + 1}`);
    this.inQuotes = false;
    this.quoteSeen = false;
    if (this.comment !== null) {
      this.comments.push(this.comment);
      this.comment = null;
    }
    this.endRecord(out);
    return out;
  }

  private consume(ch: string, out: string[][]): void {
    if (this.afterCR) {
      this.afterCR = false;
      if (ch === '\n') return;
    }
    if (this.comment !== null) {
      if (ch === '\r' || ch === '\n') {
        this.comments.push(this.comment);
        this.comment = null;
        this.afterCR = ch === '\r';
      } else {
        this.comment += ch;
      }
      return;
    }
    if (this.inQuotes) {
      if (!this.quoteSeen) {
        if (ch === '"') this.quoteSeen = true;
        else this.field += ch;
        return;
      }
      this.quoteSeen = false;
      if (ch === '"') {
        this.field += '"';
        return;
      }
      // The quote closed the field; this character is read as unquoted text.
      this.inQuotes = false;
    }
    if (ch === '#' && this.recordsSeen === 0 && !this.fieldStarted && this.record.length === 0) {
      this.comment = '#';
    } else if (ch === '"' && !this.fieldStarted) {
      this.inQuotes = true;
      this.fieldStarted = true;
    } else if (ch === ',') {
      this.record.push(this.field);
      this.field = '';
      this.fieldStarted = false;
    } else if (ch === '\r' || ch === '\n') {
      this.endRecord(out);
      this.afterCR = ch === '\r';
    } else {
      this.field += ch;
      this.fieldStarted = true;
    }
  }

  private endRecord(out: string[][]): void {
    // A blank line is no record.
    if (this.fieldStarted || this.record.length > 0) {
      this.record.push(this.field);
      out.push(this.record);
      this.recordsSeen += 1;
    }
    this.record = [];
    this.field = '';
    this.fieldStarted = false;
  }
}

/** Parses a whole CSV text (tests, small files). */
export function parseCsv(text: string): { comments: string[]; records: string[][] } {
  const parser = new CsvParser();
  const records = [...parser.push(text), ...parser.end()];
  return { comments: parser.comments, records };
}
