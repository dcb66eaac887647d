import type { CollectProgress } from '../collectors/run-collection.js';
import type { CliIo } from './io.js';

/**
 * Progress of a collect run on a terminal: one line rewritten in place. Quiet when stderr is
 * not a terminal (schedulers, CI) or when --json asks for machine output.
 */
export function collectProgressReporter(io: CliIo, enabled: boolean): (event: CollectProgress) => void {
  if (!enabled || !io.isTTY) return () => undefined;
  let total = 0;
  let gaps = 0;
  let last = 0;
  return (event) => {
    if (event.type === 'start') {
      total = event.total;
      io.stderr(`collecting snapshot ${event.snapshotId}: ${total} source × account × region tasks${event.resumed ? ` (${event.resumed} already done)` : ''}\n`);
      return;
    }
    if (event.type === 'task') {
      gaps += event.gaps;
      const now = Date.now();
      if (now - last < 80 && event.done < total) return;
      last = now;
      const line = `  ${event.done}/${total}  ${gaps} gap${gaps === 1 ? '' : 's'}  ${event.collector} ${event.account} ${event.region}`;
      io.stderr(`\r\x1b[2K${line.slice(0, 120)}`);
      if (event.done === total) io.stderr('\n');
    }
  };
}
