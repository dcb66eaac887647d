import { readFile } from 'node:fs/promises';
import { generatedTypeFiles, renderGeneratedTypes } from '../../../scripts/generated-types.js';

test.each(generatedTypeFiles.map((t) => [t.output.split('/').slice(-2).join('/'), t] as const))(
  '%s is in step with its JSON Schema (run `npm run gen:types` after changing a schema)',
  async (_name, target) => {
    expect(await readFile(target.output, 'utf8')).toBe(await renderGeneratedTypes(target));
  },
);
