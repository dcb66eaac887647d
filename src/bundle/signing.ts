import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { PUBLIC_KEY_FILE } from './types.js';

/**
 * Ed25519 through node:crypto. The signature is the raw 64 bytes over the exact bytes of SHA256SUMS,
 * which is what `openssl pkeyutl -verify -pubin -inkey signing-key.pub -rawin -in SHA256SUMS
 * -sigfile SHA256SUMS.sig` checks.
 */

export const PRIVATE_KEY_FILE = 'signing-key.pem';

export interface SigningKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateSigningKeyPair(): SigningKeyPair {
  return generateKeyPairSync('ed25519');
}

/** SPKI PEM of a public key: the content of signing-key.pub. */
export function exportPublicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** PKCS#8 PEM of a private key: the content of signing-key.pem. */
export function exportPrivateKeyPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** SHA-256 of the key's DER (SPKI) encoding: a fingerprint people can compare. */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

export function signBytes(data: Uint8Array, privateKey: KeyObject): Buffer {
  return sign(null, data, privateKey);
}

export function verifySignature(data: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

/** Parses a PEM private key and checks that it is Ed25519. `where` names the file in errors. */
export function parsePrivateKey(pem: string | Buffer, where: string): SigningKeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new InputError([{ file: where, path: '', message: `not a PEM private key (${(error as Error).message}); expected an unencrypted PKCS#8 Ed25519 key as written by \`proofpack keygen\`` }], { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new InputError([{ file: where, path: '', message: `is a ${privateKey.asymmetricKeyType ?? 'unknown'} key; expected an Ed25519 key (\`proofpack keygen\`)` }]);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Parses a PEM public key (SPKI) and checks that it is Ed25519. */
export function parsePublicKey(pem: string | Buffer, where: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new InputError([{ file: where, path: '', message: `not a PEM public key (${(error as Error).message}); expected signing-key.pub as written by \`proofpack keygen\`` }], { cause: error });
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new InputError([{ file: where, path: '', message: `is a ${publicKey.asymmetricKeyType ?? 'unknown'} key; expected an Ed25519 public key` }]);
  }
  return publicKey;
}

async function readKeyFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new InputError([{ file, path: '', message: `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }], { cause: error });
  }
}

export async function loadPrivateKeyFile(file: string): Promise<SigningKeyPair> {
  return parsePrivateKey(await readKeyFile(file), file);
}

export async function loadPublicKeyFile(file: string): Promise<KeyObject> {
  return parsePublicKey(await readKeyFile(file), file);
}

export interface WrittenKeyPair {
  privateKeyFile: string;
  publicKeyFile: string;
  fingerprint: string;
}

/**
 * `proofpack keygen`: writes signing-key.pem (PKCS#8, mode 0600) and signing-key.pub (SPKI) into
 * `dir`. Never overwrites: an existing key is someone's signing identity.
 */
export async function writeSigningKeyPair(dir: string, pair: SigningKeyPair = generateSigningKeyPair()): Promise<WrittenKeyPair> {
  await mkdir(dir, { recursive: true });
  const privateKeyFile = path.join(dir, PRIVATE_KEY_FILE);
  const publicKeyFile = path.join(dir, PUBLIC_KEY_FILE);
  await writeNewFile(privateKeyFile, exportPrivateKeyPem(pair.privateKey), 0o600);
  await writeNewFile(publicKeyFile, exportPublicKeyPem(pair.publicKey), 0o644);
  return { privateKeyFile, publicKeyFile, fingerprint: publicKeyFingerprint(pair.publicKey) };
}

async function writeNewFile(file: string, content: string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'wx', mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'EEXIST' ? 'already exists; move it away or choose another --out folder (keygen never overwrites a key)' : `cannot create (${code ?? (error as Error).message})`;
    throw new InputError([{ file, path: '', message }], { cause: error });
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask may only remove bits; set the mode exactly so a private key is never group-readable.
  await chmod(file, mode);
}
