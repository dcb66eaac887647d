/**
 * Waivers: an accepted exception, written in the config with a reason, an approver and an expiry.
 *
 * Expiry rule (deterministic: never the wall clock, so re-running an evaluation gives the same
 * result): a waiver is in force until the end of its `expires` day (UTC). It waives an exception
 * only when the exception ended while the waiver was in force (`to` ≤ expires 23:59:59.999Z). An
 * exception still open at the period's end therefore needs a waiver that expires on or after the
 * period's last day; a waiver that expired earlier still covers exceptions that were over by then.
 * Waived exceptions stay listed, marked with the approver and the reason. "Could not be evaluated"
 * items are never waived: missing evidence is not an accepted risk.
 */
import type { Waiver } from '../config/types.js';
import type { ControlException, WaiverUse } from './types.js';

/** `*` matches any run of characters (including `/` and `:`); everything else literally. */
export function matchesWaiverPattern(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(value);
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** The instant a waiver stops being in force: the end of its `expires` day. */
export function waiverEndsAt(waiver: Pick<Waiver, 'expires'>): string {
  return `${waiver.expires}T23:59:59.999Z`;
}

/**
 * Marks the exceptions each waiver covers (in place) and reports how every waiver was used.
 * `results` are the controls' exceptions by control id.
 */
export function applyWaivers(results: ReadonlyArray<{ id: string; exceptions: ControlException[] }>, waivers: readonly Waiver[]): WaiverUse[] {
  const byControl = new Map(results.map((r) => [r.id, r.exceptions]));
  return waivers.map((waiver) => {
    const exceptions = byControl.get(waiver.control) ?? [];
    const ends = waiverEndsAt(waiver);
    let applied = 0;
    let outlasted = 0;
    for (const e of exceptions) {
      if (e.kind === 'unevaluated' || e.waived) continue;
      if (!matchesWaiverPattern(waiver.resource, e.resource)) continue;
      if (e.to > ends) {
        outlasted += 1;
        continue;
      }
      e.waived = { pattern: waiver.resource, approver: waiver.approver, reason: waiver.reason, expires: waiver.expires };
      applied += 1;
    }
    return {
      control: waiver.control,
      resource: waiver.resource,
      approver: waiver.approver,
      reason: waiver.reason,
      expires: waiver.expires,
      state: applied > 0 ? 'applied' : outlasted > 0 ? 'expired' : 'unused',
      exceptions: applied,
    };
  });
}
