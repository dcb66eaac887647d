import type { BundleVerification } from './verify-bundle.js';

const MAX_FAILURES_SHOWN = 50;

/** The human report of `proofpack verify`: every check by name, what passed and what failed. */
export function formatVerification(result: BundleVerification): string {
  const lines: string[] = [`proofpack verify ${result.bundle}`];
  const m = result.manifest;
  if (m) {
    lines.push(`  ${m.organization} · ${m.system} · period ${m.period.start} to ${m.period.end} · generated ${m.generatedAt} by proofpack ${m.toolVersion}`);
    lines.push(`  bundle ${m.bundleId}, ${result.entries} entries, ${result.bytes} bytes`);
  }
  lines.push('');
  const width = Math.max(...result.checks.map((c) => c.name.length));
  for (const check of result.checks) {
    const mark = check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '-';
    const head = `  ${mark} ${check.name.padEnd(width)}  `;
    if (check.status === 'fail') {
      lines.push(`${head}FAILED (${check.failures.length} ${check.failures.length === 1 ? 'problem' : 'problems'})`);
      for (const failure of check.failures.slice(0, MAX_FAILURES_SHOWN)) lines.push(`      ${failure}`);
      if (check.failures.length > MAX_FAILURES_SHOWN) lines.push(`      … and ${check.failures.length - MAX_FAILURES_SHOWN} more (--json lists all)`);
    } else {
      lines.push(`${head}${check.status === 'skip' ? 'skipped: ' : ''}${check.detail}`);
    }
  }
  lines.push('');
  const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  lines.push(failed.length === 0 ? 'VALID: every check passed.' : `INVALID: ${failed.length} ${failed.length === 1 ? 'check' : 'checks'} failed: ${failed.join(', ')}`);
  return lines.join('\n') + '\n';
}
