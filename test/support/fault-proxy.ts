import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/** What a rule recognises: any of the given fields must all match. */
export interface RequestMatch {
  /** JSON protocols: the X-Amz-Target header's operation part (after the last dot), e.g. `LookupEvents`. */
  target?: string;
  /** Query protocols (RDS, STS, CloudWatch query): the `Action=` form field, e.g. `DescribeDBInstances`. */
  action?: string;
  method?: string;
  /** REST protocols (Backup, S3): a pattern on the path and query, e.g. /^\/backup-jobs\//. */
  path?: RegExp;
  /** A pattern on the request body, e.g. one account's RoleArn in an STS AssumeRole form. */
  body?: RegExp;
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FaultRule {
  match: RequestMatch;
  /** Answer the first `throttle` matching requests with the protocol's throttling error, then pass through. */
  throttle?: number;
  /** Protocol used to shape the throttling error (default: guessed from the request). */
  protocol?: 'json' | 'query' | 'rest-json' | 'rest-xml';
  /** Answer matching requests with this response instead of forwarding (a recorded AWS response). */
  respond?: CannedResponse | ((req: ProxiedRequest) => CannedResponse);
}

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The operation as best it can be told: X-Amz-Target op, Action=, or METHOD path?sub-resource (operationOf). */
  operation: string;
  throttled: boolean;
  canned: boolean;
}

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of moto (or standing alone) that can add latency, answer with
 * throttling errors a set number of times, or serve recorded AWS responses. The SDK's real retry
 * and deserialization code runs against it, so "throttled, then succeeds" is tested for real.
 */
export async function startFaultProxy(
  options: {
    target?: string;
    latencyMs?: number;
    rules?: FaultRule[];
    /** Sees each forwarded request's response (e.g. which account an AssumeRole's access key belongs to). */
    onForwarded?: (req: ProxiedRequest, status: number, body: string) => void;
  } = {},
): Promise<FaultProxy> {
  let rules = (options.rules ?? []).map((r) => ({ ...r, remaining: r.throttle ?? 0 }));
  const requests: ProxiedRequest[] = [];
  const target = options.target ? new URL(options.target) : undefined;
  const latency = options.latencyMs ?? 0;

  const server = await listenLoopback((req, raw, res) => {
    const body = raw.toString('utf8');
    const info = describe(req, body);
    const rule = rules.find((r) => matches(r.match, { ...info, body }, req.method ?? 'GET'));
    const entry: ProxiedRequest = { ...info, method: req.method ?? 'GET', headers: req.headers, body, throttled: false, canned: false };
    requests.push(entry);
    const respond = () => {
      if (rule && rule.remaining > 0) {
        rule.remaining -= 1;
        entry.throttled = true;
        return send(res, throttlingResponse(rule.protocol ?? guessProtocol(req)));
      }
      if (rule?.respond) {
        entry.canned = true;
        return send(res, typeof rule.respond === 'function' ? rule.respond(entry) : rule.respond);
      }
      if (!target) return send(res, { status: 404, body: 'no target and no canned response' });
      const observe = options.onForwarded;
      forward(req, raw, res, target, observe ? (status, text) => observe(entry, status, text) : undefined);
    };
    if (latency > 0) setTimeout(respond, latency);
    else respond();
  });
  return {
    url: server.url,
    requests,
    setRules(next) {
      rules = next.map((r) => ({ ...r, remaining: r.throttle ?? 0 }));
    },
    stop: server.stop,
  };
}

/**
 * A loopback HTTP server on a free port that hands `handle` each request with its whole body and
 * when it arrived (performance.now()): the fault proxy here, the latency proxy of the benchmarks.
 */
export async function listenLoopback(
  handle: (req: IncomingMessage, body: Buffer, res: ServerResponse, arrivedAt: number) => void,
  options: { keepAliveTimeoutMs?: number } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res, arrivedAt));
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** X-Amz-Target's operation (JSON protocols), Action= (query protocols), else METHOD, path and sub-resource (REST). */
export function operationOf(req: IncomingMessage, body: string): string {
  const { target, action, path } = describeParts(req, body);
  return target ?? action ?? `${req.method} ${path.split('?')[0]}${restQuery(path)}`;
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

function describeParts(req: IncomingMessage, body: string): { path: string; target?: string; action?: string } {
  const path = req.url ?? '/';
  const targetHeader = req.headers['x-amz-target'];
  const target = typeof targetHeader === 'string' ? targetHeader.split('.').pop() : undefined;
  const action = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body)?.[1] ?? /[?&]Action=([A-Za-z0-9]+)/.exec(path)?.[1];
  return { path, target, action };
}

function describe(req: IncomingMessage, body: string): { path: string; operation: string; target?: string; action?: string } {
  return { ...describeParts(req, body), operation: operationOf(req, body) };
}

function matches(m: RequestMatch, info: { path: string; target?: string; action?: string; body: string }, method: string): boolean {
  if (m.body && !m.body.test(info.body)) return false;
  if (m.target && m.target !== info.target) return false;
  if (m.action && m.action !== info.action) return false;
  if (m.method && m.method !== method) return false;
  if (m.path && !m.path.test(info.path)) return false;
  return Boolean(m.target || m.action || m.method || m.path || m.body);
}

function guessProtocol(req: IncomingMessage): 'json' | 'query' | 'rest-json' | 'rest-xml' {
  if (req.headers['x-amz-target']) return 'json';
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('x-www-form-urlencoded')) return 'query';
  if (type.includes('json')) return 'rest-json';
  return 'rest-xml';
}

/** The throttling error each protocol's deserializer recognises as retryable. */
function throttlingResponse(protocol: 'json' | 'query' | 'rest-json' | 'rest-xml'): CannedResponse {
  switch (protocol) {
    case 'json':
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
      };
    case 'rest-json':
      return {
        status: 429,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' },
        body: JSON.stringify({ message: 'Rate exceeded' }),
      };
    case 'query':
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>throttle-1</RequestId></ErrorResponse>',
      };
    case 'rest-xml':
      return {
        status: 503,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>throttle-1</RequestId></Error>',
      };
  }
}

function send(res: ServerResponse, response: CannedResponse): void {
  res.writeHead(response.status, { 'x-amzn-requestid': 'proxy-canned', ...(response.headers ?? {}) });
  res.end(response.body);
}

/** Sends the request on to `target` and pipes the answer back (502 when the target cannot be reached). */
export function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, target: URL, observe?: (status: number, body: string) => void): void {
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (observe) {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => observe(up.statusCode ?? 502, Buffer.concat(chunks).toString('utf8')));
      }
      up.pipe(res);
    },
  );
  upstream.on('error', (error) => send(res, { status: 502, body: String(error) }));
  upstream.end(body);
}
