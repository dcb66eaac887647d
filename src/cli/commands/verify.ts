import path from 'node:path';
import { loadPublicKeyFile } from '../../bundle/signing.js';
import { ExitCode, UsageError } from '../../errors.js';
import { formatVerification } from '../../verify/format.js';
import { verifyBundle } from '../../verify/verify-bundle.js';
import type { CliIo } from '../io.js';
import { printJson } from '../shared.js';

/** `proofpack verify BUNDLE.zip [--public-key FILE] [--json]`: exit 0 valid, 4 invalid, 2 unreadable input. */
export async function runVerify(io: CliIo, args: unknown[], options: Record<string, unknown>): Promise<number> {
  if (typeof args[0] !== 'string' || !args[0]) throw new UsageError('verify: give the bundle zip to verify');
  const bundle = path.resolve(io.cwd, args[0]);
  const publicKey = options.publicKey ? await loadPublicKeyFile(path.resolve(io.cwd, String(options.publicKey))) : undefined;
  const result = await verifyBundle(bundle, { publicKey });
  if (options.json) printJson(io, result);
  else io.stdout(formatVerification(result));
  return result.valid ? ExitCode.ok : ExitCode.verificationFailed;
}
