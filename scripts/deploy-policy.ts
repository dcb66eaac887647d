import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Document } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The IAM policy proofpack needs to read the evidence (generated from the collectors' operations). */
export const IAM_POLICY_FILE = path.join(root, 'deploy/iam-policy.json');

/** CloudFormation templates that embed deploy/iam-policy.json as an inline policy named `proofpack-read`. */
export const POLICY_TEMPLATES = ['deploy/cloudformation/scheduler-fargate.yaml', 'deploy/cloudformation/member-read-role.yaml'].map((p) => path.join(root, p));

export const READ_POLICY_NAME = 'proofpack-read';

/** Where each inline `proofpack-read` policy sits in a template: `[Resources, <id>, Properties, Policies, <i>]`. */
export function readPolicyPaths(template: unknown): Array<Array<string | number>> {
  const resources = (template as { Resources?: Record<string, { Properties?: { Policies?: Array<{ PolicyName?: unknown }> } }> }).Resources ?? {};
  const paths: Array<Array<string | number>> = [];
  for (const [id, resource] of Object.entries(resources)) {
    (resource.Properties?.Policies ?? []).forEach((policy, i) => {
      if (policy?.PolicyName === READ_POLICY_NAME) paths.push(['Resources', id, 'Properties', 'Policies', i]);
    });
  }
  return paths;
}

/** Parses a CloudFormation YAML template, keeping its short-form intrinsics (!Ref, !Sub…) as they are. */
export function parseTemplate(text: string, file: string): Document {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0].message}`);
  return doc;
}

/**
 * Writes deploy/iam-policy.json into every template's `proofpack-read` policy, so the deployed
 * roles carry exactly the policy the code needs. Returns the templates it changed.
 * Run after deploy/iam-policy.json changes: `npx tsx scripts/sync-deploy-policy.ts`.
 */
export async function syncDeployPolicy(): Promise<string[]> {
  const policy = JSON.parse(await readFile(IAM_POLICY_FILE, 'utf8')) as unknown;
  const changed: string[] = [];
  for (const file of POLICY_TEMPLATES) {
    const text = await readFile(file, 'utf8');
    const doc = parseTemplate(text, file);
    const paths = readPolicyPaths(doc.toJS());
    if (paths.length === 0) throw new Error(`${file}: no inline policy named ${READ_POLICY_NAME}`);
    for (const at of paths) doc.setIn([...at, 'PolicyDocument'], doc.createNode(policy));
    const next = doc.toString({ lineWidth: 0, defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' });
    if (next !== text) {
      await writeFile(file, next, 'utf8');
      changed.push(path.relative(root, file));
    }
  }
  return changed;
}
