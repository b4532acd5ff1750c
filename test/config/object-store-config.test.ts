import path from 'node:path';
import { ENV_VARS, resolveConfig } from '../../src/config/config';

const cwd = '/project';
const keys = { MINIO_ACCESS_KEY: 'sluice', MINIO_SECRET_KEY: 'sluice-secret' };

describe('object store configuration', () => {
  test('without MINIO_ENDPOINT the lake is the local folder', () => {
    expect(resolveConfig({}, cwd).objectStore).toEqual({ kind: 'local', root: path.resolve(cwd, '.sluice/lake') });
    const c = resolveConfig({ SLUICE_LAKE_DIR: 'data/lake', MINIO_ACCESS_KEY: 'ignored' }, cwd);
    expect(c.objectStore).toEqual({ kind: 'local', root: path.resolve(cwd, 'data/lake') });
    expect(c.lakeDir).toBe(path.resolve(cwd, 'data/lake'));
  });

  test('MINIO_ENDPOINT selects S3; the scheme decides TLS and the default port', () => {
    expect(resolveConfig({ MINIO_ENDPOINT: 'http://127.0.0.1:9000', ...keys }, cwd).objectStore).toEqual({
      kind: 's3',
      endPoint: '127.0.0.1',
      port: 9000,
      useSSL: false,
      accessKey: 'sluice',
      secretKey: 'sluice-secret',
      region: 'us-east-1',
    });
    expect(
      resolveConfig({ MINIO_ENDPOINT: 'https://minio.example.com', ...keys, MINIO_REGION: 'eu-central-1' }, cwd)
        .objectStore,
    ).toMatchObject({ endPoint: 'minio.example.com', port: 443, useSSL: true, region: 'eu-central-1' });
    expect(resolveConfig({ MINIO_ENDPOINT: 'http://minio/', ...keys }, cwd).objectStore).toMatchObject({
      endPoint: 'minio',
      port: 80,
      useSSL: false,
    });
    expect(resolveConfig({ MINIO_ENDPOINT: 'http://[::1]:9000', ...keys }, cwd).objectStore).toMatchObject({
      endPoint: '::1',
      port: 9000,
    });
  });

  test('the settings are frozen with the rest of the config', () => {
    const c = resolveConfig({ MINIO_ENDPOINT: 'http://127.0.0.1:9000', ...keys }, cwd);
    expect(Object.isFrozen(c.objectStore)).toBe(true);
  });

  test('keys are required with an endpoint', () => {
    expect(() => resolveConfig({ MINIO_ENDPOINT: 'http://127.0.0.1:9000' }, cwd)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'MINIO_ENDPOINT is set, so MINIO_ACCESS_KEY and MINIO_SECRET_KEY must be set too',
      }),
    );
    expect(() => resolveConfig({ MINIO_ENDPOINT: 'http://127.0.0.1:9000', MINIO_ACCESS_KEY: 'a' }, cwd)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'MINIO_ENDPOINT is set, so MINIO_SECRET_KEY must be set too',
      }),
    );
  });

  test('malformed endpoints are CONFIG_INVALID naming the variable', () => {
    for (const raw of [
      '127.0.0.1:9000',
      'ftp://host:21',
      'http://user:pw@host:9000',
      'http://host:9000/bucket',
      'not a url',
    ]) {
      expect(() => resolveConfig({ MINIO_ENDPOINT: raw, ...keys }, cwd)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`MINIO_ENDPOINT`) }),
      );
    }
  });

  test('every new variable is documented in ENV_VARS', () => {
    const names = ENV_VARS.map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining(['MINIO_ENDPOINT', 'MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY', 'MINIO_REGION']),
    );
  });
});

test('a MINIO_ENDPOINT with credentials in it is refused without repeating them', () => {
  let message = '';
  try {
    resolveConfig(
      { MINIO_ENDPOINT: 'http://admin:hunter22@minio:9000', MINIO_ACCESS_KEY: 'a', MINIO_SECRET_KEY: 'b' },
      '/tmp',
    );
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBe(
    'MINIO_ENDPOINT must not contain credentials (use MINIO_ACCESS_KEY and MINIO_SECRET_KEY), got "http://admin:***@minio:9000" (expected a URL like http://127.0.0.1:9000)',
  );
});
