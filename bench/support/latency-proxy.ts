/**
 * A loopback HTTP proxy for benchmarks: adds a fixed latency to every request (what a distant AWS
 * endpoint costs), forwards to moto_server, can answer chosen operations with a recorded
 * response instead (operations moto does not implement), and records each request's operation,
 * HTTP status, whether it was canned, and its timing — so a benchmark can count what really went
 * over the wire, retries included.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

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
  const server = createServer((req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
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
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    setCanned(answer) {
      canned = answer;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** X-Amz-Target's operation (JSON protocols), Action= (query protocols), else METHOD and path (REST). */
export function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  const action = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body)?.[1] ?? /[?&]Action=([A-Za-z0-9]+)/.exec(req.url ?? '')?.[1];
  if (action) return action;
  return `${req.method} ${(req.url ?? '/').split('?')[0]}${restQuery(req.url ?? '')}`;
}

/** The sub-resource of a REST request (`?versioning`, `?replication`…), which names the S3 operation. */
function restQuery(url: string): string {
  const query = url.split('?')[1];
  if (!query) return '';
  const keys = query
    .split('&')
    .map((p) => p.split('=')[0])
    .filter((k) => k && !['x-id', 'max-keys', 'prefix', 'delimiter', 'continuation-token', 'list-type', 'encoding-type'].includes(k));
  return keys.length > 0 ? `?${keys.sort().join('&')}` : '';
}

function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, target: URL): void {
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    res.writeHead(502);
    res.end(String(error));
  });
  upstream.end(body);
}
