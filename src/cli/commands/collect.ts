import { collectSnapshot, CollectionInterruptedError } from '../../collectors/run-collection.js';
import { CollectorError, ExitCode, UsageError } from '../../errors.js';
import { closeStore, openStore } from '../../evidence/open-store.js';
import type { MergeResult } from '../../evidence/shards.js';
import type { EvidenceStore } from '../../evidence/store.js';
import type { Gap } from '../../evidence/types.js';
import type { CliIo } from '../io.js';
import { collectProgressReporter } from '../progress.js';
import { loadConfigForCli, plural, printJson } from '../shared.js';

export function parseShard(value: unknown): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(String(value));
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard: expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got "${String(value)}"`);
  return { index, count };
}

/** `proofpack collect`: one snapshot; exit 0, or 3 with --strict when gaps were recorded. */
export async function runCollect(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const config = await loadConfigForCli(io, options.config, { quiet: Boolean(options.json) });
  const endpointUrl = (options.endpointUrl as string | undefined) ?? (io.env.AWS_ENDPOINT_URL || undefined);
  const store = openStore(config, { endpointUrl: (options.endpointUrl as string | undefined) ?? (io.env.AWS_ENDPOINT_URL_S3 || endpointUrl) });
  const only = options.only ? String(options.only).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const shard = parseShard(options.shard);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const startedAt = new Date();
  try {
    const result = await collectSnapshot(config, {
      store,
      endpointUrl,
      only,
      resume: Boolean(options.resume),
      shard,
      runId: options.runId as string | undefined,
      signal: controller.signal,
      onProgress: collectProgressReporter(io, !options.json),
    });
    const exitCode = options.strict && result.gaps.length > 0 ? ExitCode.gapsOrFailures : ExitCode.ok;
    await store.appendRunLog({
      runId: result.runId,
      command: 'collect',
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      snapshotId: result.snapshotId,
      sources: result.sources,
      gaps: result.gaps.length,
      exitCode,
      ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
    });
    const merged = result.shard?.merged;
    if (merged?.status === 'merged') await appendMergeLog(store, merged, new Date().toISOString());
    if (options.json) {
      printJson(io, {
        snapshotId: result.snapshotId,
        runId: result.runId,
        path: result.path,
        manifestSha256: result.manifestSha256,
        envelopes: result.envelopes,
        records: result.records,
        calls: result.calls,
        gaps: result.gaps,
        notes: result.notes,
        ...(result.shard
          ? { shard: { part: result.shard.shard, merged: Boolean(merged), waitingFor: result.shard.waitingFor, mergingElsewhere: result.shard.mergingElsewhere } }
          : {}),
      });
    } else {
      for (const note of result.notes) io.stderr(`note: ${note}\n`);
      if (result.shard && !merged) {
        io.stdout(`shard ${result.shard.shard} of run ${result.runId} written into snapshot ${result.snapshotId} (not visible until merged)\n`);
        io.stdout(
          result.shard.mergingElsewhere
            ? '  every shard is done; another process is merging the run\n'
            : `  waiting for ${result.shard.waitingFor.join(', ')}; the last shard to finish merges (or: proofpack merge --run-id ${result.runId})\n`,
        );
      } else if (merged) {
        io.stdout(`shard ${result.shard!.shard} finished last: run ${result.runId} (${merged.shards} shards) merged into snapshot ${result.snapshotId} at ${result.path}\n`);
      } else {
        io.stdout(`snapshot ${result.snapshotId} written to ${result.path}\n`);
      }
      io.stdout(`  ${plural(result.envelopes, 'evidence file')}, ${plural(result.records, 'record')}, ${plural(result.calls, 'API call')}, ${((Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000).toFixed(1)} s\n`);
      if (result.gaps.length > 0) {
        io.stdout(`  ${plural(result.gaps.length, 'gap')}:\n`);
        for (const gap of result.gaps.slice(0, 50)) io.stdout(`    ${describeGap(gap)}\n`);
        if (result.gaps.length > 50) io.stdout(`    … and ${result.gaps.length - 50} more (--json lists all)\n`);
      } else {
        io.stdout('  no gaps\n');
      }
    }
    return exitCode;
  } catch (error) {
    // A run that never wrote a snapshot still leaves its line in the run log.
    const logFailedRun = (runId: string, message: string) =>
      store.appendRunLog({
        runId,
        command: 'collect',
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        snapshotId: null,
        sources: only ?? [],
        gaps: 0,
        exitCode: ExitCode.internal,
        ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
        message,
      });
    if (error instanceof CollectorError) {
      // The run could not start collecting (e.g. the organization's accounts could not be listed).
      io.stderr(`proofpack collect: ${error.message}\n`);
      await logFailedRun((options.runId as string | undefined) ?? 'unknown', error.message);
      return ExitCode.internal;
    }
    if (error instanceof CollectionInterruptedError) {
      io.stderr(`\nproofpack: ${error.message}\n`);
      await logFailedRun(error.snapshotId, 'interrupted');
      return ExitCode.internal;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    closeStore(store);
  }
}

/** The run log line of a merged sharded run: what makes the run count as done for the schedule. */
export async function appendMergeLog(store: EvidenceStore, merged: MergeResult, endedAt: string): Promise<void> {
  await store.appendRunLog({
    runId: merged.runId,
    command: 'merge',
    startedAt: merged.startedAt,
    endedAt,
    snapshotId: merged.snapshotId,
    sources: merged.sources,
    gaps: merged.gaps.length,
    exitCode: ExitCode.ok,
    message: `${merged.shards} shards merged`,
  });
}

export function describeGap(gap: Gap): string {
  const where = [gap.collector, gap.account, gap.region].join(' ');
  const what = [gap.operation, gap.errorCode].filter(Boolean).join(' ');
  return `${gap.kind.padEnd(11)} ${where}${gap.resource ? ` ${gap.resource}` : ''}${what ? `: ${what}` : ''} — ${gap.message}`;
}
