import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'minio';
import { resolveConfig } from '../../src/config/config';
import type { S3Settings } from '../../src/lake/s3-object-store';

export interface S3Server {
  readonly settings: S3Settings;
  close(): Promise<void>;
}

/** A real S3 server (s3rver) in a child process on a random loopback port, storing in a fresh temp folder. */
export async function startS3rver(): Promise<S3Server> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'sluice-s3rver-'));
  const child = fork(path.join(__dirname, 's3rver-child.js'), [directory], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code}: ${stderr}`)));
  });
  return {
    settings: {
      kind: 's3',
      endPoint: '127.0.0.1',
      port,
      useSSL: false,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The MinIO named by MINIO_ENDPOINT/MINIO_ACCESS_KEY/MINIO_SECRET_KEY, if all are set. */
export function minioFromEnv(): S3Settings | undefined {
  const { MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY } = process.env;
  if (!MINIO_ENDPOINT || !MINIO_ACCESS_KEY || !MINIO_SECRET_KEY) return undefined;
  const s = resolveConfig(process.env).objectStore;
  return s.kind === 's3' ? s : undefined;
}

/** A direct client, to look behind the store (temporary objects) and clean up buckets. */
export function rawClient(s: S3Settings): Client {
  return new Client({
    endPoint: s.endPoint,
    port: s.port,
    useSSL: s.useSSL,
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    region: s.region,
    pathStyle: true,
  });
}

export async function rawKeys(client: Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of client.listObjectsV2(bucket, '', true)) if (o.name) keys.push(o.name);
  return keys.sort();
}

export async function dropBucket(client: Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  for (const key of await rawKeys(client, bucket)) await client.removeObject(bucket, key);
  await client.removeBucket(bucket);
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
