// The shared store in an S3-compatible bucket, through the AWS SDK: `s3://bucket[/prefix]`, with the
// endpoint and region in the query (`?endpoint=https://minio.studio:9000&region=us-east-1`) or in the
// SDK's own environment (AWS_ENDPOINT_URL_S3, AWS_REGION). Credentials come only from the SDK's default
// chain (AWS_ACCESS_KEY_ID/…, profiles, instance roles) and are never written or logged by Dailies.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { DailiesError } from '../util/errors';
import { objectName, type SharedStore, verified } from './sharedStore';

/** Objects are frames and refs: anything bigger than this read from a bucket is not ours. */
const MAX_OBJECT_BYTES = 512 * 1024 * 1024;

export interface S3Location {
  bucket: string;
  prefix: string;
  config: S3ClientConfig;
}

export function parseS3Url(spec: string): S3Location {
  const url = new URL(spec);
  const bucket = url.hostname;
  if (url.protocol !== 's3:' || !bucket)
    throw new DailiesError(
      'validation',
      `dailies.team.store: expected s3://bucket[/prefix], got ${url.protocol}//`,
    );
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  const config: S3ClientConfig = {
    region: url.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
    // Most S3-compatible servers (MinIO, Ceph, the test stand-in) want path-style addressing.
    forcePathStyle: url.searchParams.get('forcePathStyle') !== '0' && endpoint !== undefined,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 4,
  };
  return { bucket, prefix, config };
}

export class S3Store implements SharedStore {
  readonly label: string;
  private readonly client: S3Client;

  constructor(private readonly where: S3Location) {
    this.client = new S3Client(where.config);
    const endpoint =
      typeof where.config.endpoint === 'string' ? ` at ${new URL(where.config.endpoint).host}` : '';
    this.label = `s3://${where.bucket}/${where.prefix}${endpoint}`;
  }

  private key(name: string): string {
    return this.where.prefix ? `${this.where.prefix}/${name}` : name;
  }

  async has(digest: string, ext: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.key(objectName(digest, ext)) }),
      );
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw this.error(err);
    }
  }

  async put(digest: string, ext: string, data: Uint8Array): Promise<void> {
    if (await this.has(digest, ext)) return;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.where.bucket,
          Key: this.key(objectName(digest, ext)),
          Body: data,
          ContentLength: data.byteLength,
        }),
      );
    } catch (err) {
      throw this.error(err);
    }
  }

  async get(digest: string, ext: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(objectName(digest, ext)) }),
      );
      if ((out.ContentLength ?? 0) > MAX_OBJECT_BYTES || !out.Body) return undefined;
      const bytes = Buffer.from(await out.Body.transformToByteArray());
      return verified(digest, bytes);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw this.error(err);
    }
  }

  async check(): Promise<void> {
    const key = this.key(`.probe-${process.pid}-${Date.now().toString(36)}`);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.where.bucket, Key: key, Body: 'dailies' }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: key }));
    } catch (err) {
      throw this.error(err);
    }
  }

  close(): void {
    this.client.destroy();
  }

  private error(err: unknown): DailiesError {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const why =
      e.name === 'AccessDenied' || status === 403
        ? 'refuses writes (access denied: check the bucket policy and AWS credentials)'
        : e.name === 'NoSuchBucket'
          ? 'does not exist'
          : e.name === 'EntityTooLarge' || e.name === 'QuotaExceeded' || status === 507
            ? 'is full'
            : `cannot be used (${e.name ?? 'error'}: ${e.message ?? String(err)})`;
    return new DailiesError('disk', `The team's shared store ${this.label} ${why}`, {
      cause: err,
      retryable: status === undefined || status >= 500,
    });
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
