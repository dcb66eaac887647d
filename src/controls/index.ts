/**
 * The control catalogue (PRODUCT.md): every control as a data object, in catalogue order. The
 * SOC 2 mapping is in soc2-mapping.ts; docs/CONTROLS.md is generated from both (`npm run docs`).
 * Importing this module registers the ids with the config loader, so a waiver naming an unknown
 * control is a config error.
 */
import { registerControlIds } from '../config/load-config.js';
import { backupEncrypted } from './backup/encrypted.js';
import { crossRegionCopy } from './backup/cross-region-copy.js';
import { jobSuccess } from './backup/job-success.js';
import { planCoverage } from './backup/plan-coverage.js';
import { vaultImmutable } from './backup/vault-immutable.js';
import { drRtoRpo } from './dr/rto-rpo.js';
import { drTestFrequency } from './dr/test-frequency.js';
import { periodCoverage } from './evidence/period-coverage.js';
import { approvedRegions } from './inventory/approved-regions.js';
import { regionParity } from './inventory/region-parity.js';
import { monitoringAlarms } from './monitoring/alarms.js';
import { monitoringCloudtrail } from './monitoring/cloudtrail.js';
import { monitoringConfigRecording } from './monitoring/config-recording.js';
import { replicationDynamodb } from './replication/dynamodb.js';
import { replicationRds } from './replication/rds.js';
import { replicationS3 } from './replication/s3.js';
import { residencyBoundary } from './residency/boundary.js';
import type { Control } from './types.js';

export const CONTROLS: readonly Control[] = [
  planCoverage,
  jobSuccess,
  crossRegionCopy,
  vaultImmutable,
  backupEncrypted,
  replicationS3,
  replicationRds,
  replicationDynamodb,
  residencyBoundary,
  drTestFrequency,
  drRtoRpo,
  monitoringCloudtrail,
  monitoringConfigRecording,
  monitoringAlarms,
  regionParity,
  approvedRegions,
  periodCoverage,
];

export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id);

registerControlIds(CONTROL_IDS);

export function findControl(id: string): Control | undefined {
  return CONTROLS.find((c) => c.id === id);
}
