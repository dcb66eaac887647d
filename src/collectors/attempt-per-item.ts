import { classifyAwsError } from '../aws/errors.js';
import type { CollectorContext } from './types.js';

/**
 * `ctx.attempt` for calls made once per resource or per query, except that an error about the
 * source as a whole is rethrown, so the envelope gets one gap instead of one per item (and the
 * run does not repeat a call that cannot succeed): a denial (the role lacks the permission, so
 * every such call would be denied), an endpoint that does not implement the operation, or a
 * response the SDK cannot parse (an emulator's format, e.g. moto's Config timestamps). Any other
 * failure (throttled past the retries, a server error, a bad parameter) stays a gap about that
 * one item, and the collector carries on.
 */
export async function attemptPerItem<T>(
  ctx: CollectorContext,
  operation: string,
  call: Promise<T>,
  resource?: string,
): Promise<T | null | undefined> {
  try {
    return await call;
  } catch (error) {
    if (failsForEveryItem(error)) throw error;
    return ctx.attempt(operation, Promise.reject(error), resource);
  }
}

/** Errors that say nothing about one item: the next call would fail the same way. */
export function failsForEveryItem(error: unknown): boolean {
  const kind = classifyAwsError(error).kind;
  if (kind === 'denied' || kind === 'unsupported') return true;
  return /Deserialization error/i.test(String((error as { message?: unknown } | undefined)?.message ?? ''));
}
