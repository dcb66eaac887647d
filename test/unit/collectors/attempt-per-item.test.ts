import { attemptPerItem, failsForEveryItem } from '../../../src/collectors/attempt-per-item.js';
import type { CollectorContext } from '../../../src/collectors/types.js';

function sdkError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** A context whose `attempt` records what it was given, as the runner's does, and answers undefined (a gap). */
function fakeContext() {
  const recorded: Array<{ operation: string; resource?: string; error: unknown }> = [];
  const ctx = {
    async attempt(operation: string, call: Promise<unknown>, resource?: string) {
      try {
        return await call;
      } catch (error) {
        recorded.push({ operation, resource, error });
        return undefined;
      }
    },
  } as unknown as CollectorContext;
  return { ctx, recorded };
}

test('a success is returned as it is', async () => {
  const { ctx, recorded } = fakeContext();
  await expect(attemptPerItem(ctx, 'config:GetResourceConfigHistory', Promise.resolve(42), 'r1')).resolves.toBe(42);
  expect(recorded).toEqual([]);
});

test.each([
  ['a denial', sdkError('AccessDeniedException', 400)],
  ['an operation the endpoint does not implement', sdkError('SyntaxError', 500, 'Unexpected token \'<\', "<!doctype "... is not valid JSON')],
  ['a response the SDK cannot parse', sdkError('TypeError', 200, 'Expected real number, got implicit NaN Deserialization error: to see the raw response, inspect the hidden field')],
])('%s is rethrown: it would fail for every item', async (_what, error) => {
  const { ctx, recorded } = fakeContext();
  expect(failsForEveryItem(error)).toBe(true);
  await expect(attemptPerItem(ctx, 'config:GetResourceConfigHistory', Promise.reject(error), 'r1')).rejects.toBe(error);
  expect(recorded).toEqual([]);
});

test.each([
  ['throttling past the retries', sdkError('ThrottlingException', 400)],
  ['a bad parameter for this item', sdkError('ValidationException', 400)],
  ['a server error', sdkError('InternalFailure', 500)],
])('%s is a gap about that one item', async (_what, error) => {
  const { ctx, recorded } = fakeContext();
  expect(failsForEveryItem(error)).toBe(false);
  await expect(attemptPerItem(ctx, 'config:GetResourceConfigHistory', Promise.reject(error), 'AWS::S3::Bucket r1')).resolves.toBeUndefined();
  expect(recorded).toEqual([{ operation: 'config:GetResourceConfigHistory', resource: 'AWS::S3::Bucket r1', error }]);
});
