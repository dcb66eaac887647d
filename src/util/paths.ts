import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'evidence-schemas'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`proofpack: cannot find the package root above ${start}`);
    dir = parent;
  }
}

/** The installed package's root (holds package.json, evidence-schemas/, templates/), from src/ or dist/. */
export const packageRoot: string = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const schemasDir: string = path.join(packageRoot, 'evidence-schemas');
export const templatesDir: string = path.join(packageRoot, 'templates');
