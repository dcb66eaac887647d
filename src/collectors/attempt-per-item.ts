import { classifyAwsError } from '../aws/errors.js';
import type { CollectorContext } from './types.js';

/**
 * `ctx.attempt` for calls made once per resource or per query, except that an error about the
 * source as a whole is rethrown, so the envelope gets one gap instead of one per item (and the
 * run does not repeat a call that cannot succeed): a denial (the role lacks the permission, so
 * every such call would be denied) or an endpoint that does not implement the operation (an
 * emulator). Any other failure (throttled past the retries, a server error, a response that
 * does not parse) stays a gap about that one item, and the collector carries on.
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
    const kind = classifyAwsError(error).kind;
    if (kind === 'denied' || kind === 'unsupported') throw error;
    return ctx.attempt(operation, Promise.reject(error), resource);
  }
}
