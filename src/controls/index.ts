import { registerControlIds } from '../config/load-config.js';
import { replicationS3 } from './replication/s3.js';
import type { Control } from './types.js';

/** Every control of the catalogue, in catalogue order (PRODUCT.md). */
export const CONTROLS: readonly Control[] = [replicationS3];

registerControlIds(CONTROLS.map((c) => c.id));
