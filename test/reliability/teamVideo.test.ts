// `render --farm` of a batch holding a still and a video shot that starts from it: the whole batch goes to
// the farm, in dependency order. The still renders on the farm and is recorded first; only then is the
// video shot planned (from the still's new take) and queued, and a worker renders it. The artist's machine
// has no key at all, so a video rendered "here" could only fail.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { queueName } from '../../src/core/team/farmJobs';
import { BULL_PREFIX } from '../../src/core/team/redis';
import type { TeamSettings } from '../../src/core/team/settings';
import { FAL_KEY } from '../helpers/cloud';
import { artist, farmSuite, sharedStoreDir, startWorker, workerEnv } from '../helpers/farm';
import { redisSkip } from '../helpers/redisServer';
import { createProject } from '../helpers/tempProject';

const KLING_FAL = 'fal-ai/kling-video/v2.1/standard/image-to-video';
const STILL_FAL = 'fal-ai/flux/schnell';
const FAST = { stepMs: 20, steps: 4, queueMs: 20, apiKey: FAL_KEY };

interface Out {
  image: string;
  thumb?: string;
  sha256?: string;
  video?: string;
  proxy?: string;
  seconds?: number;
}

describe('render --farm of a still and the video shot that starts from it', { skip: redisSkip() }, () => {
  const rig = farmSuite(FAST);
  const { workers, temp } = rig;

  it('both waves render on the farm; the clip starts from the take the still just got', async () => {
    const t: TeamSettings = { redisUrl: rig.redis.url, store: sharedStoreDir() };
    workers.push(await startWorker('wv', workerEnv(t, { fal: rig.fal })));
    const p = await createProject({
      dailies: 1,
      aspectRatio: '16:9',
      shots: [
        { id: 's01-010', prompt: 'A wet platform at night, lamps in the rain', model: STILL_FAL },
        {
          id: 's01-010v',
          prompt: 'Slow push-in, rain falling',
          model: KLING_FAL,
          from: 's01-010',
          duration: 4,
        },
      ],
    });
    temp.push(p);
    const a = await artist(p.file, t, { fal: rig.fal }); // no key on this machine
    const summary = await a.engine.render({ farm: true });
    assert.equal(summary.shots.rendered, 2, JSON.stringify(summary.errors));
    const [still, video] = (await p.json()).shots as { render?: { outputs: Out[] } }[];
    const out = video!.render!.outputs[0]!;
    for (const rel of [out.image, out.thumb, out.video, out.proxy])
      assert.ok(rel && existsSync(path.join(p.dir, rel)), `${rel} is in the project`);
    // Paid once each, by the worker; the clip's start frame is the still's new take, byte for byte.
    const submits = rig.fal.requests.filter((r) => r.route === 'submit');
    assert.equal(submits.length, 2, 'one still, one clip');
    const take = await fs.readFile(path.join(p.dir, still!.render!.outputs[0]!.image));
    const uploaded = [...rig.fal.uploads.values()];
    assert.equal(uploaded.length, 1, 'the start frame went up once');
    assert.ok(uploaded[0]!.bytes.equals(take), 'the uploaded start frame is the circled take');
    // The clip went through the farm's video queue.
    const q = new Queue(queueName('fal', 'video'), {
      connection: { host: '127.0.0.1', port: rig.redis.port },
      prefix: BULL_PREFIX,
    });
    try {
      assert.equal((await q.getJobCounts('completed')).completed, 1, 'one video job completed on the farm');
    } finally {
      await q.close();
    }
    // The artist followed it live, like a local render.
    const states = a.events.flatMap((e) => (e.type === 'job' && e.shotId === 's01-010v' ? [e.state] : []));
    assert.ok(states.includes('running') && states.includes('done'), states.join(','));
    // Another artist's copy of the same production: both takes come from the shared store, clip and proxy
    // included, without a provider call.
    const p2 = await createProject(JSON.parse(await fs.readFile(p.file, 'utf8')));
    temp.push(p2);
    await fs.writeFile(
      p2.file,
      JSON.stringify({ ...(await p.json()), shots: shotsWithoutRenders(await p.json()) }),
    );
    const b = await artist(p2.file, t, { fal: rig.fal });
    const again = await b.engine.render({ farm: true });
    assert.equal(again.shots.cached, 2, JSON.stringify(again));
    assert.equal(rig.fal.requests.filter((r) => r.route === 'submit').length, 2, 'nothing paid again');
    const clip = ((await p2.json()).shots as { render?: { outputs: Out[] } }[])[1]!.render!.outputs[0]!;
    for (const rel of [clip.image, clip.video, clip.proxy])
      assert.ok(rel && existsSync(path.join(p2.dir, rel)), `${rel} is in the second project`);
  });
});

function shotsWithoutRenders(project: { shots: unknown[] }): unknown[] {
  return project.shots.map((s) => {
    const { render: _render, ...rest } = s as Record<string, unknown>;
    return rest;
  });
}
