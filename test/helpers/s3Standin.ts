// A local S3-compatible STAND-IN (the `s3rver` npm package), not a real S3: no MinIO or S3 server is
// installable here. It speaks enough of the S3 REST API for the AWS SDK's Head/Get/Put/DeleteObject, which
// is all the shared store uses; a real bucket's policies, quotas and consistency are not exercised.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3StandIn {
  /** `s3://<bucket>?endpoint=…`: the shared-store spec for this stand-in. */
  spec(bucket?: string): string;
  /** Credentials the SDK reads from the environment (the stand-in accepts these fixed ones). */
  env: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_REGION: string };
  close(): Promise<void>;
}

export async function startS3StandIn(bucket = 'dailies-team'): Promise<S3StandIn> {
  const S3rver = createRequire(__filename)('s3rver') as S3rverClass;
  const directory = mkdtempSync(path.join(tmpdir(), 'dailies-s3-standin-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    spec: (b = bucket) => `s3://${b}/studio?endpoint=http://127.0.0.1:${port}&region=us-east-1`,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
