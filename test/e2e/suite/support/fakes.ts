// The provider fakes the orchestrator runs beside code-server (test/fakes/serve.ts, one process), reached
// over their admin endpoints: what each received, and a reset between tests. A recording server stands in
// for an attacker's host.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  /** Milliseconds since the fake started, on arrival. */
  at: number;
  method: string;
  route: string;
  path: string;
  host: string;
  headers: Record<string, string>;
}

export type FakeName = 'fal' | 'replicate';

/** Keys the suite puts in the host's environment (KeyStore falls back to FAL_KEY / REPLICATE_API_TOKEN). */
export const E2E_FAL_KEY = 'e2e-fal-key:e2e-fal-secret';
export const E2E_REPLICATE_TOKEN = 'r8_e2etoken0123456789';

export function fakeUrl(name: FakeName): string | undefined {
  return process.env[name === 'fal' ? 'DAILIES_E2E_FAL_URL' : 'DAILIES_E2E_REPLICATE_URL'] || undefined;
}

export function fakesAvailable(): boolean {
  return Boolean(fakeUrl('fal') && fakeUrl('replicate'));
}

export async function received(name: FakeName): Promise<Recorded[]> {
  const res = await fetch(`${fakeUrl(name)}/__fake/requests`);
  return (await res.json()) as Recorded[];
}

export async function resetFake(name: FakeName): Promise<void> {
  await fetch(`${fakeUrl(name)}/__fake/reset`, { method: 'POST' });
}

/** An HTTP server that records everything sent to it and answers 503: a host a key must never reach. */
export interface Recorder {
  url: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"recorder"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
