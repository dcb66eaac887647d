/**
 * A loopback HTTP proxy for benchmarks: adds a fixed latency to every request (what a distant AWS
 * endpoint costs), forwards to moto_server, can answer chosen operations with a recorded
 * response instead (operations moto does not implement), and records each request's operation,
 * HTTP status, whether it was canned, and its timing — so a benchmark can count what really went
 * over the wire, retries included. The server, forwarding and operation names are the test
 * suite's fault proxy's (test/support/fault-proxy.ts).
 */
import type { IncomingMessage } from 'node:http';
import { forward, listenLoopback, operationOf } from '../../test/support/fault-proxy.js';

export interface CannedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxyRecord {
  /** The operation as the wire tells it: X-Amz-Target op, Action=, or `METHOD /path` for REST. */
  operation: string;
  /** moto's account for the request (x-moto-account-id or the credential's access key id). */
  accessKey: string;
  status: number;
  canned: boolean;
  /** performance.now() when the request arrived and when its response ended. */
  start: number;
  end: number;
}

export interface LatencyProxy {
  url: string;
  records: ProxyRecord[];
  /** Answers requests for which `answer` returns a response (operation, raw request) instead of forwarding them. */
  setCanned(answer: (operation: string, req: IncomingMessage, body: string) => CannedAnswer | undefined): void;
  stop(): Promise<void>;
}

export async function startLatencyProxy(options: { target: string; latencyMs: number }): Promise<LatencyProxy> {
  const target = new URL(options.target);
  const records: ProxyRecord[] = [];
  let canned: (operation: string, req: IncomingMessage, body: string) => CannedAnswer | undefined = () => undefined;
  const server = await listenLoopback(
    (req, raw, res, start) => {
      const body = raw.toString('utf8');
      const operation = operationOf(req, body);
      const accessKey = /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      const record: ProxyRecord = { operation, accessKey, status: 0, canned: false, start, end: 0 };
      records.push(record);
      res.on('finish', () => {
        record.status = res.statusCode;
        record.end = performance.now();
      });
      setTimeout(() => {
        const answer = canned(operation, req, body);
        if (answer) {
          record.canned = true;
          res.writeHead(answer.status, { 'x-amzn-requestid': 'bench-canned', ...answer.headers });
          res.end(answer.body);
          return;
        }
        forward(req, raw, res, target);
      }, options.latencyMs);
    },
    { keepAliveTimeoutMs: 60_000 },
  );
  return {
    url: server.url,
    records,
    setCanned(answer) {
      canned = answer;
    },
    stop: server.stop,
  };
}
