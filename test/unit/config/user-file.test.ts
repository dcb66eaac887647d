import { parseUserDocument, parseUserFile, validateUserDocument } from '../../../src/config/user-file.js';

/** Validates YAML text against a schema of people's files; the issues as `line: path: message`. */
function issues(text: string, schema: 'dr-test' | 'narrative' | 'diagram-sidecar'): string[] {
  const parsed = parseUserDocument(text, 'f.yaml');
  if (!parsed.ok) throw new Error(`not parsed: ${parsed.issues.map((i) => i.message).join('; ')}`);
  return validateUserDocument(parsed.value, parsed.lineOf, 'f.yaml', schema).map((i) => `${i.line}: ${i.path}: ${i.message}`);
}

test('an anyOf of required fields is one issue, and the problems beside it (other fields of the same mapping) are kept', () => {
  const found = issues('measured:\n  rto: 5\n  rtoMinutes: -1\n', 'dr-test');

  expect(found).toEqual(
    expect.arrayContaining([
      '2: measured.rto: unexpected field; expected one of rtoMinutes, rpoMinutes, replicaLagSeconds',
      '3: measured.rtoMinutes: expected a number ≥ 0, got -1',
      '2: measured: expected rpoMinutes or replicaLagSeconds',
    ]),
  );
  expect(found.filter((line) => line.includes('measured.rpoMinutes') || line.includes('measured.replicaLagSeconds'))).toEqual([]);
});

test('the errors of anyOf branches reached through $ref are folded into the anyOf issue', () => {
  expect(issues('cuecs:\n  - 42\n', 'narrative')).toEqual(['2: cuecs[0]: expected a text, or a mapping with control (and optionally criteria); got 42 (a number)']);
});

test('a date-time without a time zone is shown with one; other values get the standard example', () => {
  const found = issues('start: 2026-05-06T09:00:00\nend: yesterday\n', 'dr-test');

  expect(found).toContain('1: start: expected a date-time with a time zone, such as 2026-05-06T09:00:00Z, got "2026-05-06T09:00:00"');
  expect(found).toContain('2: end: expected a date-time with a time zone, such as 2026-03-31T14:00:00Z, got "yesterday"');
});

test('a .json file must be JSON when asked, though YAML would read it', () => {
  const text = '{ "title": "network", }';

  expect(parseUserDocument(text, 'net.json').ok).toBe(true);
  const strict = parseUserDocument(text, 'net.json', { json: true });
  expect(strict.ok).toBe(false);
  expect(!strict.ok && strict.issues[0].message).toMatch(/^not valid JSON: /);
});

test('a whole file that is not a mapping says what was expected', () => {
  expect(parseUserFile('', 'd.yaml', 'diagram-sidecar', 'a diagram sidecar')).toEqual({ ok: false, issues: [{ file: 'd.yaml', path: '', message: 'the file is empty; expected a diagram sidecar' }] });
  expect(parseUserFile('- x\n', 'd.yaml', 'diagram-sidecar', 'a diagram sidecar')).toEqual({
    ok: false,
    issues: [{ file: 'd.yaml', path: '', line: 1, message: 'expected a diagram sidecar, got a list' }],
  });
  expect(parseUserFile('title: network\n', 'd.yaml', 'diagram-sidecar', 'a diagram sidecar')).toEqual({ ok: true, value: { title: 'network' } });
});
