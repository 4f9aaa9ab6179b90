// The suite's end of the UI servant (see uiProtocol.ts): write a request, then do what makes the UI appear,
// then await the answer. Only code-server runs the servant; elsewhere (test-electron) `uiAvailable()` is
// false and the tests that need a hand in the UI skip themselves.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '../../harness/wait';
import type { UiAnswer, UiRequest } from './uiProtocol';

let counter = 0;

export function uiAvailable(): boolean {
  const dir = process.env['DAILIES_E2E_UI'];
  return Boolean(dir && existsSync(dir));
}

export type Answered = Extract<UiAnswer, { ok: true }>;

/** Asks the servant; resolve the promise after triggering the UI. Rejects with the servant's error. */
export function ui(request: UiRequest): Promise<Answered> {
  const dir = process.env['DAILIES_E2E_UI'];
  if (!dir) return Promise.reject(new Error('no UI servant (DAILIES_E2E_UI is not set)'));
  const n = ++counter + Date.now() * 1000;
  const file = path.join(dir, `req-${n}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(request));
  renameSync(`${file}.tmp`, file);
  const res = path.join(dir, `res-${n}.json`);
  return waitFor(
    `the UI servant to answer ${JSON.stringify(request)}`,
    () => (existsSync(res) ? (JSON.parse(readFileSync(res, 'utf8')) as UiAnswer) : undefined),
    { timeoutMs: (request.timeoutMs ?? 30_000) + 30_000, everyMs: 100 },
  ).then((a) => {
    if (!a.ok) throw new Error(`UI ${request.kind}: ${a.error}`);
    return a;
  });
}
