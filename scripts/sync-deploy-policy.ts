/**
 * Copies deploy/iam-policy.json into the CloudFormation templates under deploy/cloudformation/
 * (their inline `proofpack-read` policies). test/unit/deploy/deploy-files.test.ts fails when they
 * are out of step. Usage: npx tsx scripts/sync-deploy-policy.ts
 */
import { syncDeployPolicy } from './deploy-policy.js';

const changed = await syncDeployPolicy();
console.log(changed.length ? `updated ${changed.join(', ')}` : 'templates already match deploy/iam-policy.json');
