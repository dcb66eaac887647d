import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedDocs } from '../../../scripts/generated-docs.js';
import { CONTROL_IDS } from '../../../src/controls/index.js';

describe('generated documents', () => {
  test.each(generatedDocs.map((d) => [path.relative(process.cwd(), d.output), d] as const))('%s is up to date (run `npm run docs`)', async (_name, doc) => {
    const committed = await readFile(doc.output, 'utf8');
    expect(committed).toBe(await doc.render());
  });

  test('docs/CONTROLS.md lists every control of the catalogue with its criteria', async () => {
    const text = await generatedDocs.find((d) => d.output.endsWith('CONTROLS.md'))!.render();
    for (const id of CONTROL_IDS) expect(text).toContain(`| \`${id}\` |`);
    expect(text).toMatch(/\| `backup.vault-immutable` \| .* \| A1.2, C1.2 \|/);
  });
});
