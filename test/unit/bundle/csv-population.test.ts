import { CsvParser, escapeFormula, formatCsvRow, parseCsv, parseCsvHeaderBlock } from '../../../src/bundle/csv.js';
import { buildPopulationFiles, type PopulationInput, type PopulationProvenance } from '../../../src/bundle/population.js';
import { InputError } from '../../../src/errors.js';
import { sha256Hex } from '../../../src/util/hash.js';

describe('CSV (RFC 4180)', () => {
  test('quotes fields holding a comma, quote, CR or LF; doubles quotes; CRLF line ends', () => {
    expect(formatCsvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', null, undefined, 42, true])).toBe('plain,"a,b","say ""hi""","two\nlines",,,42,true\r\n');
  });

  test('formula injection: cells starting with = + - @ TAB CR get a leading quote; plain numbers do not', () => {
    expect(['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', '-5', '+7', '1.5e3', '-0.25', 'safe', "'=already"].map(escapeFormula)).toEqual([
      "'=1+1",
      "'+SUM(A1)",
      "'-2+3",
      "'@cmd",
      "'\tx",
      "'\rx",
      '-5',
      '+7',
      '1.5e3',
      '-0.25',
      'safe',
      "'=already",
    ]);
    expect(formatCsvRow(['=HYPERLINK("http://x","y")'])).toBe('"\'=HYPERLINK(""http://x"",""y"")"\r\n');
  });

  test('parses what it writes, with the header block apart, whatever the chunking', () => {
    const text = '\ufeff# proofpack population: x\r\n# rows: 3\r\nid,v\r\n' + formatCsvRow(['1', 'a,b']) + formatCsvRow(['2', '"q"\r\nz']) + formatCsvRow(['3', '#not a comment']);
    const whole = parseCsv(text);
    expect(whole.comments).toEqual(['# proofpack population: x', '# rows: 3']);
    expect(whole.records).toEqual([
      ['id', 'v'],
      ['1', 'a,b'],
      ['2', '"q"\r\nz'],
      ['3', '#not a comment'],
    ]);
    expect(parseCsvHeaderBlock(whole.comments).get('rows')).toBe('3');
    const bytes = Buffer.from(text, 'utf8');
    for (let split = 1; split < bytes.length; split++) {
      const parser = new CsvParser();
      const records = [...parser.push(bytes.subarray(0, split)), ...parser.push(bytes.subarray(split)), ...parser.end()];
      expect({ split, records }).toEqual({ split, records: whole.records });
    }
  });

  test('LF and bare CR line ends, blank lines, a last line without a line end, multi-byte UTF-8 split across chunks', () => {
    expect(parseCsv('a,b\n1,2\n\n3,4').records).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(parseCsv('a,b\r1,2\r').records).toEqual([['a', 'b'], ['1', '2']]);
    const bytes = Buffer.from('k\nZürich — 東京\n', 'utf8');
    const parser = new CsvParser();
    const records = [...bytes].flatMap((byte) => parser.push(Buffer.from([byte])));
    expect([...records, ...parser.end()]).toEqual([['k'], ['Zürich — 東京']]);
  });

  test('an unterminated quoted field is an error', () => {
    expect(() => parseCsv('a\n"open')).toThrow('unterminated quoted field in record 2');
  });
});

describe('populations', () => {
  const base: PopulationInput = {
    name: 'backup-jobs',
    description: 'Every AWS Backup job that started in the period',
    period: { start: '2026-01-01', end: '2026-06-30' },
    generatedAt: '2026-07-01T06:00:00Z',
    columns: ['job_id', 'region', 'state', 'note'],
    sortBy: ['region'],
    rows: [
      { job_id: 'j-3', region: 'us-west-2', state: 'COMPLETED', note: '=cmd|calc' },
      { job_id: 'j-1', region: 'us-east-1', state: 'FAILED', note: 'disk, full' },
      { job_id: 'j-2', region: 'us-east-1', state: 'COMPLETED', note: null },
    ],
    snapshotIds: ['20260215T020000Z-b', '20260115T020000Z-a'],
    sources: [
      {
        collector: 'backup.jobs',
        schema: 'backup.jobs.v1',
        account: '111111111111',
        region: 'us-east-1',
        window: { start: '2026-01-01T00:00:00Z', end: '2026-01-31T00:00:00Z' },
        snapshotId: '20260115T020000Z-a',
        callerIdentity: { account: '111111111111', arn: 'arn:aws:sts::111111111111:assumed-role/proofpack-read/x' },
        operations: [{ operation: 'backup:ListBackupJobs', parameters: { ByCreatedAfter: '2026-01-01T00:00:00Z' }, pages: 2, records: 2 }],
        rows: 2,
      },
      {
        collector: 'backup.jobs',
        account: '111111111111',
        region: 'us-west-2',
        window: { start: '2026-01-01T00:00:00Z', end: '2026-01-31T00:00:00Z' },
        snapshotId: '20260115T020000Z-a',
        callerIdentity: null,
        operations: [{ operation: 'backup:ListBackupJobs', parameters: {}, pages: 1, records: 1 }],
        rows: 1,
      },
    ],
  };

  test('a header block saying what it is, column names, rows sorted stably, formula-safe cells', () => {
    const files = buildPopulationFiles(base);
    const text = files.csv.toString('utf8');
    const { comments, records } = parseCsv(text);
    const header = parseCsvHeaderBlock(comments);
    expect(header.get('proofpack population')).toBe('backup-jobs');
    expect(header.get('rows')).toBe('3');
    expect(header.get('key column')).toBe('job_id (unique); rows sorted by region, job_id');
    expect(header.get('provenance')).toMatch(/^backup-jobs\.provenance\.json: API operations, parameters, accounts, regions, windows, caller identities/);
    expect(header.get('formula escaping')).toMatch(/prefixed with a single quote/);
    expect(records).toEqual([
      ['job_id', 'region', 'state', 'note'],
      ['j-1', 'us-east-1', 'FAILED', 'disk, full'],
      ['j-2', 'us-east-1', 'COMPLETED', ''],
      ['j-3', 'us-west-2', 'COMPLETED', "'=cmd|calc"],
    ]);
    expect(files.csvSha256).toBe(sha256Hex(files.csv));
    expect(files.entries.map((e) => [e.path, e.role])).toEqual([
      ['populations/backup-jobs.csv', 'population'],
      ['populations/backup-jobs.provenance.json', 'population-provenance'],
    ]);
    // The input order does not matter.
    const shuffled = buildPopulationFiles({ ...base, rows: [...base.rows].reverse() });
    expect(shuffled.csv.equals(files.csv)).toBe(true);
  });

  test('the provenance sidecar: operations, parameters, accounts, regions, windows, callers, counts per source, snapshots', () => {
    const files = buildPopulationFiles(base);
    const provenance = JSON.parse(files.provenance.toString('utf8')) as PopulationProvenance;
    expect(provenance.provenance).toBe('proofpack.population-provenance/v1');
    expect(provenance.csv).toEqual(expect.objectContaining({ path: 'populations/backup-jobs.csv', sha256: files.csvSha256, rows: 3, keyColumn: 'job_id' }));
    expect(provenance.snapshotIds).toEqual(['20260115T020000Z-a', '20260215T020000Z-b']);
    expect(provenance.recordsBySource).toEqual([
      { collector: 'backup.jobs', account: '111111111111', region: 'us-east-1', snapshotId: '20260115T020000Z-a', rows: 2 },
      { collector: 'backup.jobs', account: '111111111111', region: 'us-west-2', snapshotId: '20260115T020000Z-a', rows: 1 },
    ]);
    expect(provenance.sources[0].operations[0]).toEqual({ operation: 'backup:ListBackupJobs', parameters: { ByCreatedAfter: '2026-01-01T00:00:00Z' }, pages: 2, records: 2 });
    expect(provenance.sources[0].callerIdentity?.arn).toContain('proofpack-read');
  });

  test('refuses duplicate or empty keys, unknown columns, a bad name, and source counts that do not add up', () => {
    const cases: Array<[Partial<PopulationInput>, string]> = [
      [{ rows: [...base.rows, { job_id: 'j-1', region: 'x', state: 'y', note: '' }] }, 'rows[3].job_id: duplicate key "j-1"'],
      [{ rows: [{ job_id: '', region: 'x', state: 'y', note: '' }], sources: [] }, 'rows[0].job_id: the key column must not be empty'],
      [{ sortBy: ['nope'] }, 'sortBy: nope is not a column'],
      [{ name: 'Backup Jobs' }, 'name: expected lowercase letters'],
      [{ sources: [base.sources[0]] }, 'sources: the sources account for 2 rows, the population has 3'],
    ];
    for (const [change, message] of cases) {
      const error = (() => {
        try {
          buildPopulationFiles({ ...base, ...change });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(message);
    }
  });
});
