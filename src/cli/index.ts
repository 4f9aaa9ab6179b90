#!/usr/bin/env node
// The `dailies` binary (dist/cli.js). Everything testable lives in main.ts.
import { createInterface } from 'node:readline/promises';
import { isatty } from 'node:tty';
import { main } from './main';

const handlers: (() => boolean)[] = [];
// SIGTERM (a CI job canceled, `kill`) stops as cleanly as a first Ctrl-C: jobs are settled, not dropped.
const onStop = () => {
  const handled = handlers.length > 0 && handlers[handlers.length - 1]!();
  if (!handled) process.exit(130);
};
process.on('SIGINT', onStop);
process.on('SIGTERM', onStop);

main(process.argv.slice(2), {
  // The standard streams are made when first used: a run that prints nothing to one (or never asks)
  // does not set it up.
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  env: process.env,
  ask: isatty(0)
    ? (question) =>
        new Promise<string>((resolve) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          // Ctrl-C at the prompt is a "no", not a hang.
          rl.on('SIGINT', () => rl.close());
          rl.on('close', () => resolve(''));
          rl.question(question).then(
            (answer) => {
              resolve(answer);
              rl.close();
            },
            () => resolve(''),
          );
        })
    : undefined,
  onInterrupt(handler) {
    handlers.push(handler);
    return () => {
      const i = handlers.indexOf(handler);
      if (i >= 0) handlers.splice(i, 1);
    };
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dailies: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
