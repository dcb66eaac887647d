import { BUNDLE_ROLES, type BundleRole, type BundleSigning } from './types.js';

export interface ReadmeInput {
  bundleId: string;
  organization: string;
  system: string;
  period: { start: string; end: string };
  generatedAt: string;
  toolVersion: string;
  signing: BundleSigning;
  entries: ReadonlyArray<{ path: string; role: BundleRole }>;
}

const ROLE_TITLES: Record<BundleRole, string> = {
  readme: 'this file',
  pdf: 'documents (PDF)',
  diagram: 'diagrams',
  csv: 'tables (CSV)',
  population: 'populations (CSV, complete for the period)',
  'population-provenance': 'how each population was produced',
  'control-results': 'control results (machine-readable)',
  evidence: 'raw evidence envelopes (JSON)',
  'snapshot-manifest': 'evidence snapshot manifests (the hash chain)',
  oscal: 'OSCAL assessment results',
  other: 'other files',
};

/**
 * 00_README.txt: what is inside, who produced it and when, and how to check it with or without
 * proofpack. A template: the report stage may pass its own README entry instead.
 */
export function renderBundleReadme(input: ReadmeInput): string {
  const counts = new Map<BundleRole, number>();
  for (const e of input.entries) counts.set(e.role, (counts.get(e.role) ?? 0) + 1);
  const contents = BUNDLE_ROLES.filter((role) => role !== 'readme' && counts.has(role)).map(
    (role) => `  ${String(counts.get(role)).padStart(6)}  ${ROLE_TITLES[role]}`,
  );
  const signer =
    input.signing.key === 'provided'
      ? [
          `SHA256SUMS is signed (Ed25519) with the organization's signing key. Its fingerprint`,
          `(SHA-256 of the public key's DER encoding) is:`,
          ``,
          `  ${input.signing.publicKeySha256}`,
          ``,
          `Compare it with the fingerprint ${input.organization} gave you through another channel.`,
        ]
      : [
          `NOTE: this bundle is signed by a ONE-TIME key that was generated for it and then`,
          `discarded - not by any known key. The signature shows that the files were not altered`,
          `after SHA256SUMS was signed, but not who signed it. Ask ${input.organization} for a bundle`,
          `signed with their published key (\`proofpack report --signing-key FILE\`).`,
          ``,
          `One-time key fingerprint: ${input.signing.publicKeySha256}`,
        ];
  return [
    `SOC 2 Type II evidence bundle`,
    `=============================`,
    ``,
    `Organization:  ${input.organization}`,
    `System:        ${input.system}`,
    `Period:        ${input.period.start} to ${input.period.end}`,
    `Generated at:  ${input.generatedAt}`,
    `Produced by:   proofpack ${input.toolVersion}`,
    `Bundle id:     ${input.bundleId}`,
    ``,
    `Contents`,
    `--------`,
    ...contents,
    ``,
    `manifest.json lists every file with its role, size and SHA-256; for raw evidence it also`,
    `names the evidence snapshot the file came from and the SHA-256 that snapshot recorded.`,
    `SHA256SUMS lists the SHA-256 of every file except itself, SHA256SUMS.sig and`,
    `signing-key.pub.`,
    ``,
    `Signature`,
    `---------`,
    ...signer,
    ``,
    `How to verify`,
    `-------------`,
    `With proofpack (checks hashes, signature, the snapshot chain and every evidence schema):`,
    ``,
    `  proofpack verify THIS_BUNDLE.zip --public-key THEIR_signing-key.pub`,
    ``,
    `With standard tools, after unzipping into an empty folder:`,
    ``,
    `  sha256sum -c SHA256SUMS`,
    `  openssl pkeyutl -verify -pubin -inkey signing-key.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig`,
    `  openssl pkey -pubin -in signing-key.pub -outform DER | sha256sum     (the key fingerprint)`,
    ``,
    `The first prints "OK" for every file; the second prints "Signature Verified Successfully"`,
    `(OpenSSL 3.0 or later).`,
    ``,
  ].join('\n');
}
