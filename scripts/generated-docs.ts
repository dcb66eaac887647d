import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCollectorsDoc } from '../src/collectors/collectors-doc.js';
import { collectors } from '../src/collectors/index.js';
import { renderControlsDoc } from '../src/controls/catalogue.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface GeneratedDoc {
  /** Where the document goes. */
  output: string;
  /** Renders its content from the code (pure: the same code gives the same bytes). */
  render(): string | Promise<string>;
}

/** Every document generated from the code. Add one here; test/unit/docs/generated-docs.test.ts keeps each in step. */
export const generatedDocs: GeneratedDoc[] = [
  { output: path.join(root, 'docs/CONTROLS.md'), render: () => renderControlsDoc() },
  {
    output: path.join(root, 'docs/COLLECTORS.md'),
    render: async () => {
      const samples = new Set((await readdir(path.join(root, 'samples/envelopes'))).map((f) => `samples/envelopes/${f}`));
      return renderCollectorsDoc({ collectors, samples });
    },
  },
];
