import { s3ObjectStore } from '../../src/lake/s3-object-store';
import { endpointUrl, s3Error } from '../../src/lake/s3-errors';
import { objectStoreContract } from './object-store-contract';
import { closedPort, dropBucket, minioFromEnv, rawClient, rawKeys, startS3rver, type S3Server } from './s3-servers';
import type { S3Settings } from '../../src/lake/s3-object-store';

function target(settings: S3Settings, cleanup: boolean) {
  const client = rawClient(settings);
  return {
    store: s3ObjectStore(settings),
    where: endpointUrl(settings),
    rawKeys: (bucket: string) => rawKeys(client, bucket),
    async putRaw(bucket: string, key: string, body: Buffer) {
      await client.putObject(bucket, key, body, body.length);
    },
    ...(cleanup ? { dropBucket: (bucket: string) => dropBucket(client, bucket) } : {}),
  };
}

let s3rver: S3Server | undefined;
objectStoreContract(
  'S3 (s3rver on loopback)',
  async () => {
    s3rver = await startS3rver();
    return target(s3rver.settings, false);
  },
  async () => s3rver?.close(),
);

// A real MinIO as well, where one is configured (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY):
// the same contract, plus the signature check s3rver cannot do. This machine has none.
const minio = minioFromEnv();
if (minio)
  objectStoreContract(
    'S3 (MinIO at MINIO_ENDPOINT)',
    async () => target(minio, true),
    async () => undefined,
  );

describe('S3 object store errors', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3rver();
  });
  afterAll(async () => server.close());

  test('an unknown access key is reported as such', async () => {
    const store = s3ObjectStore({ ...server.settings, accessKey: 'NOBODY' });
    await s3ObjectStore(server.settings).ensureBucket('creds');
    await expect(store.put('creds', 'k', 'x')).rejects.toMatchObject({
      code: 'OBJECT_STORE_FAILED',
      message: expect.stringMatching(/access key "NOBODY" \(InvalidAccessKeyId\)/),
    });
    await expect(store.list('creds')).rejects.toMatchObject({
      code: 'OBJECT_STORE_FAILED',
      message: expect.stringContaining('InvalidAccessKeyId'),
    });
    // HEAD answers carry no error body, so stat can only say access was denied.
    await expect(store.stat('creds', 'k')).rejects.toMatchObject({
      code: 'OBJECT_STORE_FAILED',
      message: expect.stringContaining('access denied'),
    });
  });

  test('an unreachable endpoint is named in the error', async () => {
    const settings = { ...server.settings, port: await closedPort() };
    const store = s3ObjectStore(settings);
    const where = endpointUrl(settings);
    const attempts = [
      () => store.ensureBucket('raw'),
      () => store.put('raw', 'a/b', 'x'),
      () => store.stat('raw', 'a/b'),
      () => store.list('raw'),
      () => store.get('raw', 'a/b'),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'OBJECT_STORE_FAILED',
        message: expect.stringContaining(`cannot reach the object store at ${where} (ECONNREFUSED)`),
      });
    }
  });
});

// s3rver checks access keys but not SigV4 signatures, so a wrong secret needs a real MinIO.
if (minio)
  describe('S3 object store credentials (MinIO at MINIO_ENDPOINT)', () => {
    test('a wrong secret key names the endpoint and access key, never the secret', async () => {
      const settings = minio!;
      const store = s3ObjectStore({ ...settings, secretKey: 'not-the-secret-xyz' });
      const err = (await store.put('raw', 'a/b.csv', 'x').catch((e: Error) => e)) as Error;
      expect(err).toMatchObject({ code: 'OBJECT_STORE_FAILED' });
      expect(err.message).toContain(endpointUrl(settings));
      expect(err.message).toMatch(/SignatureDoesNotMatch|InvalidAccessKeyId|NoSuchBucket/);
      expect(err.message).not.toContain('not-the-secret-xyz');
      expect(err.message).not.toContain(settings.secretKey);
    });
  });

describe('S3 error messages', () => {
  const call = {
    endpoint: 'http://minio.example:9000',
    accessKey: 'sluice',
    op: 'write',
    bucket: 'raw',
    key: 'a/b.csv',
  };
  test('a rejected signature points at the secret key without showing it', () => {
    const e = s3Error(
      Object.assign(new Error('The request signature we calculated does not match'), { code: 'SignatureDoesNotMatch' }),
      call,
    );
    expect(e).toMatchObject({ code: 'OBJECT_STORE_FAILED' });
    expect(e.message).toBe(
      'the object store at http://minio.example:9000 rejected the secret key of access key "sluice" (SignatureDoesNotMatch) while trying to write raw/a/b.csv; check the secret key',
    );
  });
  test('a refused dual-stack connect (AggregateError) still reads as unreachable', () => {
    const agg = Object.assign(
      new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9000'), { code: 'ECONNREFUSED' })]),
      {},
    );
    expect(s3Error(agg, call).message).toContain(
      'cannot reach the object store at http://minio.example:9000 (ECONNREFUSED)',
    );
  });
});
