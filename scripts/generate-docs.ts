/**
 * Writes the documents generated from the code (`npm run docs`); the list is in
 * scripts/generated-docs.ts, and a test fails when a committed document is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { generatedDocs } from './generated-docs.js';

for (const doc of generatedDocs) {
  await writeFile(doc.output, await doc.render(), 'utf8');
  console.log(`wrote ${doc.output}`);
}
