// A second loopback server that must never be contacted: it records every connection (even one that
// never becomes an HTTP request, e.g. a TLS hello) and every request with its headers, and answers
// with a real PNG so that a client that should not have fetched from it would happily "succeed".
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';

export interface Spy {
  origin: string;
  port: number;
  connections: number;
  requests: { method: string; url: string; headers: Record<string, string | string[] | undefined> }[];
  /** True when nothing at all reached it: no connection (kept-alive ones are cut by reset), no request. */
  untouched(): boolean;
  /** Forgets what it saw and cuts kept-alive connections, so the next contact is a new connection. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSpy(): Promise<Spy> {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ff00ff' } })
    .png()
    .toBuffer();
  const sockets = new Set<Socket>();
  const spy = { connections: 0, requests: [] as Spy['requests'] } as Spy;
  const server: Server = createServer((req, res) => {
    spy.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    req.resume();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
    res.end(png);
  });
  server.on('connection', (s: Socket) => {
    spy.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  spy.port = (server.address() as AddressInfo).port;
  spy.origin = `http://127.0.0.1:${spy.port}`;
  spy.untouched = () => spy.connections === 0 && spy.requests.length === 0;
  spy.reset = () => {
    for (const s of sockets) s.destroy();
    spy.connections = 0;
    spy.requests.length = 0;
  };
  spy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return spy;
}
