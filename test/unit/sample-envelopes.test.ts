import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { collectors } from '../../src/collectors/index.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';

/** samples/envelopes/<collector-id>.json: one envelope per collector, as documentation and fixtures (STYLE.md §13). */
const dir = path.join(process.cwd(), 'samples', 'envelopes');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('there are sample envelopes', () => {
  expect(files.length).toBeGreaterThan(0);
});

describe.each(files)('samples/envelopes/%s', (file) => {
  const value = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { collector?: string; schema?: string; data?: unknown };

  test('validates as an envelope and its data against the schema it names', () => {
    expect(() => validateEnvelope(value, `samples/envelopes/${file}`)).not.toThrow();
  });

  test('is named after a registered collector and uses that collector\'s schema', () => {
    const collector = collectors.find((c) => c.id === file.replace(/\.json$/, ''));
    expect(collector).toBeDefined();
    expect(value.collector).toBe(collector!.id);
    expect(value.schema).toBe(collector!.schema);
  });
});
