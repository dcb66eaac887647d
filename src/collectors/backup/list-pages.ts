/**
 * Small helpers shared by the AWS Backup collectors: draining an SDK paginator, and keeping only
 * the fields of an AWS record that the evidence needs (under AWS's own names).
 */

/**
 * Every item of a paginated listing, page after page, in the order AWS returned them. `pages` is
 * an SDK paginator (`paginateListBackupJobs({ client }, input)`); each page is one request, so
 * provenance counts the pages.
 */
export async function listAllPages<P, T>(pages: AsyncIterable<P>, itemsOf: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(itemsOf(page) ?? []));
  return items;
}

/**
 * Paginator configuration for `client`: stop when AWS repeats the previous page token instead of
 * asking for the same page forever (the SDK's paginators loop on a repeated token by default).
 */
export function pagesOf<C>(client: C): { client: C; stopOnSameToken: true } {
  return { client, stopOnSameToken: true };
}

/** A copy of `record` with only `fields` (those present), in the order of `fields`. */
export function pickFields<T extends object, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const field of fields) {
    if (record[field] !== undefined) picked[field] = record[field];
  }
  return picked;
}

/** Page size for listings that can be large (jobs, recovery points): AWS's documented maximum. */
export const MAX_PAGE_SIZE = 1000;
