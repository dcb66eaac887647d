/**
 * Clients for seeding moto in tests: pointed at the emulator, in a chosen region and (through
 * moto's `x-moto-account-id` header) a chosen account.
 */
type ClientCtor<C> = new (config: Record<string, unknown>) => C;

export interface SeedTarget {
  endpoint: string;
  region: string;
  account?: string;
}

export function seedClient<C extends { middlewareStack: { add: (...args: never[]) => void } }>(Client: ClientCtor<C>, target: SeedTarget): C {
  const client = new Client({
    region: target.region,
    endpoint: target.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
  });
  if (target.account) {
    const account = target.account;
    (client.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void }).add(
      (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) =>
        async (args: { request: { headers: Record<string, string> } }) => {
          args.request.headers['x-moto-account-id'] = account;
          return next(args);
        },
      { step: 'build', name: 'motoAccount' },
    );
  }
  return client;
}
