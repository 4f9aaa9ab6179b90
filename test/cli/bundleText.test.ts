// V8 keeps a script's whole source for as long as the process runs (lazy compilation reads it again),
// and stores it one byte per character only when every character is Latin-1. A single "→" in a kept
// comment or a regular expression made the 6 MB CLI bundle a 12 MB two-byte string in every render.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';

describe('the bundled CLI as V8 holds it', () => {
  before(() => {
    buildCli();
  });

  it('is ASCII throughout, so its source is held one byte per character', () => {
    const text = readFileSync(BUILT_CLI, 'utf8');
    let at = -1;
    for (let i = 0; i < text.length && at < 0; i++) if (text.charCodeAt(i) > 0x7f) at = i;
    assert.equal(at, -1, `non-ASCII at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`);
  });

  it('carries no comments (they are most of its size and all of it is kept in memory)', () => {
    const text = readFileSync(BUILT_CLI, 'utf8');
    // A comment line of the unminified bundle starts with "//" or " * " after its indentation.
    const commentLines = text.split('\n').filter((l) => /^\s*(\/\/|\*\s)/.test(l));
    assert.ok(commentLines.length < 5, `${commentLines.length} comment lines, e.g. ${commentLines[0]}`);
  });
});
