/**
 * Writes TypeScript types from the JSON Schemas that are their single source.
 * `npm run gen:types`; test/unit/generated-types.test.ts fails when they are out of step.
 */
import { writeFile } from 'node:fs/promises';
import { generatedTypeFiles, renderGeneratedTypes } from './generated-types.js';

for (const target of generatedTypeFiles) {
  await writeFile(target.output, await renderGeneratedTypes(target), 'utf8');
  console.log(`wrote ${target.output}`);
}
