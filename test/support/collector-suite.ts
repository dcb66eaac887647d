/**
 * What the collector tests against moto share: the two accounts and two regions they seed, one
 * moto server per test file, recorded-response stubs per test, and collecting through a fault
 * proxy (denied, throttled) with the proxy stopped afterwards whatever the test found.
 */
import { mockClient } from 'aws-sdk-client-mock';
import type { Collector } from '../../src/collectors/types.js';
import { collectOne, mockCallerIdentity, type AnyStub, type CollectOneOptions, type Collected } from './collect-one.js';
import { startFaultProxy, type FaultRule, type ProxiedRequest } from './fault-proxy.js';
import { startMoto, type MotoServer } from './moto.js';

export const PROD = '111111111111';
export const SHARED = '222222222222';
export const EAST = 'us-east-1';
export const WEST = 'us-west-2';
/** The two accounts of the moto tests, each read through its proofpack-read role. */
export const TWO_ACCOUNTS = [
  { id: PROD, name: 'prod', roleArn: `arn:aws:iam::${PROD}:role/proofpack-read` },
  { id: SHARED, name: 'shared-services', roleArn: `arn:aws:iam::${SHARED}:role/proofpack-read` },
];
/** The account `mockCallerIdentity` answers for in recorded-response tests. */
export const RECORDED_ACCOUNT = '123456789012';

/** One moto server for the test file: started before its first test, stopped after its last. */
export function useMoto(): MotoServer {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): MotoServer => {
    if (!server) throw new Error('moto is not running yet: use it inside a test or a hook');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    reset: () => started().reset(),
    stop: () => started().stop(),
  };
}

/**
 * aws-sdk-client-mock stubs of one service's client and of STS (the caller identity answers for
 * {@link RECORDED_ACCOUNT}), fresh for each test of the enclosing block. Returns the service stub's
 * `on` (the responses a test replays) and `commandCalls` (what the collector sent).
 */
export function useRecordedResponses(client: Parameters<typeof mockClient>[0]): Pick<AnyStub, 'on' | 'commandCalls'> {
  let service: AnyStub | undefined;
  let sts: AnyStub | undefined;
  beforeEach(() => {
    service = mockClient(client);
    sts = mockCallerIdentity(RECORDED_ACCOUNT);
  });
  afterEach(() => {
    service?.restore();
    sts?.restore();
  });
  const current = (): AnyStub => {
    if (!service) throw new Error('the stubs exist only inside a test');
    return service;
  };
  return {
    on: ((...args: Parameters<AnyStub['on']>) => current().on(...args)) as AnyStub['on'],
    commandCalls: ((...args: Parameters<AnyStub['commandCalls']>) => current().commandCalls(...args)) as AnyStub['commandCalls'],
  };
}

/**
 * Collects through a fault proxy in front of `target` (moto) that applies `rules` (canned AWS
 * errors, throttling), then stops the proxy. Returns the run and every request the proxy saw.
 */
export async function collectThroughProxy(
  collectors: Collector[],
  options: Omit<CollectOneOptions, 'endpointUrl'> & { target: string; rules: FaultRule[] },
): Promise<{ run: Collected; requests: ProxiedRequest[] }> {
  const { target, rules, ...collect } = options;
  const proxy = await startFaultProxy({ target, rules });
  try {
    const run = await collectOne(collectors, { ...collect, endpointUrl: proxy.url });
    return { run, requests: proxy.requests };
  } finally {
    await proxy.stop();
  }
}

/** For each request of an operation the proxy saw, in order: whether it was answered with a throttling error. */
export function throttledSequence(requests: readonly ProxiedRequest[], operation: string): boolean[] {
  return requests.filter((r) => r.operation === operation).map((r) => r.throttled);
}
