import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Clears every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts moto_server (the AWS API emulator) on 127.0.0.1 on a free port and waits until it
 * answers. Each test file gets its own server, so files running in parallel never share state.
 */
export async function startMoto(): Promise<MotoServer> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    // moto logs every request to stderr: a file, not a pipe, so a parent whose event loop is busy
    // (a synchronous child_process call) can never block the server on a full pipe.
    const logFile = path.join(os.tmpdir(), `moto-${process.pid}-${port}.log`);
    const log = openSync(logFile, 'w');
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', log] });
    closeSync(log);
    const stderr = () => {
      try {
        return readFileSync(logFile, 'utf8').slice(-4000);
      } catch {
        return '';
      }
    };
    child.once('exit', () => rmSync(logFile, { force: true }));
    const url = `http://127.0.0.1:${port}`;
    if (await waitUntilUp(url, child)) {
      return {
        url,
        reset: async () => {
          const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
          if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
        },
        stop: () => stopChild(child),
      };
    }
    await stopChild(child);
    if (attempt === 2) throw new Error(`moto_server did not start on ${url}: ${stderr()}`);
  }
  throw new Error('unreachable');
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * One moto server for the calling test file: started before its tests, reset before each test
 * (before the file's own beforeEach hooks, which run after it), stopped after them. Use it as
 * `const moto = useMoto();` at the top level of a test file, then `moto.url`.
 */
export function useMoto(): MotoServer {
  let server: MotoServer | undefined;
  const started = (): MotoServer => {
    if (!server) throw new Error('useMoto(): the moto server is only available inside tests and hooks');
    return server;
  };
  beforeAll(async () => {
    server = await startMoto();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await started().reset();
  });
  return {
    get url() {
      return started().url;
    },
    reset: () => started().reset(),
    stop: () => started().stop(),
  };
}
