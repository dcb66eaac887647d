import { readFileSync } from 'node:fs';
import { packageRoot } from './util/paths.js';
import path from 'node:path';

const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };

/** proofpack's version, recorded in every envelope's provenance and in the user agent. */
export const TOOL_VERSION: string = pkg.version;
export const USER_AGENT = `proofpack/${TOOL_VERSION}`;
