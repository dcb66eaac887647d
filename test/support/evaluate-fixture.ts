import type { Config } from '../../src/config/types.js';
import { evaluateControls } from '../../src/controls/evaluate-controls.js';
import type { Control, ControlResult } from '../../src/controls/types.js';
import { buildCoverageLedger } from '../../src/coverage/build-ledger.js';
import type { EvidenceStore } from '../../src/evidence/store.js';
import { loadPeriod } from '../../src/period/load-period.js';

/** Loads the store's period (verification, validation, merging as in production) and evaluates one control. */
export async function evaluateOne(store: EvidenceStore, config: Config, control: Control): Promise<ControlResult> {
  const view = await loadPeriod(store, config);
  const coverage = buildCoverageLedger(view, { regions: config.regions });
  return evaluateControls(view, coverage, config, [control]).controls[0];
}
