// Entry of a media worker thread (bundled as dist/mediaWorker.js; run from source under tsx in tests).
// One task at a time; the pool never terminates a worker in the middle of one (a libvips operation
// torn down mid-flight can take the whole process with it).
import { parentPort } from 'node:worker_threads';
import { toDailiesError } from '../util/errors';
import { type MediaTask, runMediaTask } from './mediaTasks';

interface Request {
  id: number;
  task: MediaTask;
}

parentPort?.on('message', (msg: Request) => {
  runMediaTask(msg.task).then(
    (result) => parentPort?.postMessage({ id: msg.id, ok: true, result }),
    (err: unknown) => {
      const e = toDailiesError(err);
      parentPort?.postMessage({ id: msg.id, ok: false, error: { code: e.code, message: e.message } });
    },
  );
});
