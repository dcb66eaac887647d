import { ExitCode, UsageError } from '../../errors.js';
import { closeStore, openStore } from '../../evidence/open-store.js';
import { mergeShardedRun, readShardStatus } from '../../evidence/shards.js';
import type { CliIo } from '../io.js';
import { loadConfigForCli, plural, printJson } from '../shared.js';
import { appendMergeLog } from './collect.js';

/**
 * `proofpack merge --run-id ID`: merges the finished shards of a sharded run into one snapshot
 * (the last shard to finish normally does this itself). Exit 0 when merged or already merged;
 * 2 with the missing shards named when the run is not complete.
 */
export async function runMerge(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const runId = options.runId as string | undefined;
  if (!runId) throw new UsageError('merge: --run-id is required (the run id every shard was started with)');
  const config = await loadConfigForCli(io, options.config, { quiet: Boolean(options.json) });
  const endpointUrl = (options.endpointUrl as string | undefined) ?? (io.env.AWS_ENDPOINT_URL_S3 || io.env.AWS_ENDPOINT_URL || undefined);
  const store = openStore(config, { endpointUrl });
  try {
    const result = await mergeShardedRun(store, runId);
    if (result.status === 'merged') await appendMergeLog(store, result, new Date().toISOString());
    if (options.json) {
      printJson(io, {
        status: result.status,
        runId: result.runId,
        snapshotId: result.snapshotId,
        shards: result.shards,
        manifestSha256: result.manifestSha256,
        envelopes: result.envelopes,
        records: result.records,
        gaps: result.gaps,
      });
    } else if (result.status === 'already-merged') {
      io.stdout(`run ${runId} was already merged into snapshot ${result.snapshotId}\n`);
    } else {
      const status = await readShardStatus(store, runId);
      io.stdout(`run ${runId}: ${plural(status.done.length, 'shard')} merged into snapshot ${result.snapshotId} at ${result.committed?.location ?? store.location}\n`);
      io.stdout(`  ${plural(result.envelopes, 'evidence file')}, ${plural(result.records, 'record')}, ${plural(result.gaps.length, 'gap')}\n`);
    }
    return ExitCode.ok;
  } finally {
    closeStore(store);
  }
}
