import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { FAL_KEY } from '../helpers/cloud';
import { runCli as cli } from '../helpers/runCli';
import { createProject, tempDir } from '../helpers/tempProject';

describe('dailies migrate (link-rot)', () => {
  let fal: FalFake;
  before(async () => {
    // The CLI runs in another process: the fake's CDN lives on its own origin (the configured base URL's),
    // since fal's real CDN hosts are reached directly and cannot be pointed at a fake from here.
    fal = await startFalFake({ apiKey: FAL_KEY, ownOriginMedia: true });
  });
  after(() => fal.close());

  it('downloads remote images, thumbnails them, rewrites only those strings, reports what failed', async () => {
    // Put two real files on the fake CDN through its own upload protocol.
    const urls: string[] = [];
    for (const color of ['#aa0000', '#00aa00']) {
      const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
        .png()
        .toBuffer();
      const init = await fetch(`${fal.origin}/storage/upload/initiate?storage_type=fal-cdn-v3`, {
        method: 'POST',
        headers: {
          'x-dailies-target-url': 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3',
          authorization: `Key ${FAL_KEY}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ content_type: 'image/png', file_name: `${color.slice(1)}.png` }),
      });
      const { upload_url, file_url } = (await init.json()) as { upload_url: string; file_url: string };
      await fetch(upload_url, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
      urls.push(file_url);
    }
    const dead = `${fal.origin}/_media/v3.fal.media/files/zz/expired-long-ago.png`;
    const text = `{
  // refs that only exist on a CDN
  "cast": [ { "id": "ann", "refs": ["${urls[0]}"] } ],
  "shots": [
    { "id": "a", "prompt": "x", "refs": ["${urls[1]}", "${dead}"], "notes": "see https://example.com/not-media" },
    { "id": "b", "prompt": "y", "cast": ["ann"] }
  ]
}
`;
    const p = await createProject(text);
    try {
      const run = await cli(['migrate', p.file, '--json'], { DAILIES_FAL_URL: fal.origin });
      assert.equal(run.code, 1, 'exit 1: one image could not be fetched');
      const report = JSON.parse(run.stdout);
      assert.equal(report.found, 3);
      assert.equal(report.migrated.length, 2);
      assert.equal(report.failed.length, 1);
      assert.match(report.failed[0].error, /HTTP 404/);
      assert.equal(report.written, true);
      const after = await p.read();
      assert.ok(after.includes('// refs that only exist on a CDN'), 'comment kept');
      assert.ok(after.includes(dead), 'the unfetchable URL is left as it was');
      assert.ok(
        after.includes('"notes": "see https://example.com/not-media"'),
        'text that is not a ref is untouched',
      );
      for (const m of report.migrated) {
        assert.ok(after.includes(`"${m.path}"`));
        const meta = await sharp(path.join(p.dir, m.path)).metadata();
        assert.equal(meta.format, 'png');
        assert.equal((await sharp(path.join(p.dir, m.thumb)).metadata()).format, 'webp');
      }
      // Byte for byte, the only change is the two migrated strings.
      assert.equal(
        after.replace(/media\/remote\/[^"]+/g, 'X'),
        text.replace(urls[0]!, 'X').replace(urls[1]!, 'X'),
      );
      const again = JSON.parse(
        (await cli(['migrate', p.file, '--json'], { DAILIES_FAL_URL: fal.origin })).stdout,
      );
      assert.equal(again.found, 1, 'only the dead link remains remote');
    } finally {
      await p.cleanup();
    }
  });

  it('leaves a project with no remote media untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'project.json');
    await fs.writeFile(file, '{ "shots": [ { "id": "a", "prompt": "x" } ] }');
    const run = await cli(['migrate', file, '--json'], {});
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), { found: 0, migrated: [], failed: [], written: false });
    assert.equal(await fs.readFile(file, 'utf8'), '{ "shots": [ { "id": "a", "prompt": "x" } ] }');
    await fs.rm(dir, { recursive: true, force: true });
  });
});
