import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface GeneratedTypeFile {
  schema: string;
  output: string;
}

/** Every schema whose TypeScript type is generated, and where the type goes. */
export const generatedTypeFiles: GeneratedTypeFile[] = [
  {
    schema: path.join(root, 'evidence-schemas/config.schema.json'),
    output: path.join(root, 'src/config/config.generated.ts'),
  },
];

export async function renderGeneratedTypes(target: GeneratedTypeFile): Promise<string> {
  const schema = JSON.parse(await readFile(target.schema, 'utf8')) as JSONSchema;
  const banner = `/* Generated from ${path.relative(root, target.schema)} by \`npm run gen:types\`. Do not edit. */`;
  return compile(schema, path.basename(target.schema), {
    bannerComment: banner,
    additionalProperties: false,
    style: { singleQuote: true },
    cwd: path.dirname(target.schema),
  });
}
