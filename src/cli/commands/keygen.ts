import path from 'node:path';
import { writeSigningKeyPair } from '../../bundle/signing.js';
import { ExitCode } from '../../errors.js';
import type { CliIo } from '../io.js';

/** `proofpack keygen --out DIR`: an Ed25519 key pair for `report --signing-key`. */
export async function runKeygen(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const dir = path.resolve(io.cwd, String(options.out ?? '.'));
  const written = await writeSigningKeyPair(dir);
  io.stdout(
    [
      `private key: ${written.privateKeyFile} (mode 0600; keep it secret, pass it to \`proofpack report --signing-key\`)`,
      `public key:  ${written.publicKeyFile} (give it to your auditor: \`proofpack verify BUNDLE.zip --public-key signing-key.pub\`)`,
      `fingerprint: ${written.fingerprint} (SHA-256 of the public key's DER encoding)`,
      '',
    ].join('\n'),
  );
  return ExitCode.ok;
}
