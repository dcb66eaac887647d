/** An SDK response without the SDK's own `$metadata` (request ids are kept in provenance). */
export function withoutMetadata<T extends object>(output: T): Omit<T, '$metadata'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { $metadata, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}
