import { jobSecrets, masked } from '../../src/executor/masked-messages';
import type { FromChild, RunJob } from '../../src/executor/protocol';
import { connectionPasswords, redactConnectionString } from '../../src/secrets/connection-string';
import { beginTaskSecrets, maskSecrets, maskSecretsIn, registerSecret } from '../../src/secrets/task-secrets';
import { redact } from '../../src/db/database';
import { resolveConfig } from '../../src/config/config';

afterEach(() => beginTaskSecrets());

describe('the task secret registry', () => {
  it('masks every registered value, as written, URL-encoded and JSON-escaped, longest first', () => {
    beginTaskSecrets();
    registerSecret('s3cret/+"x');
    registerSecret('s3cret/+"x-and-more');
    expect(maskSecrets('a s3cret/+"x b s3cret/+"x-and-more c')).toBe('a *** b *** c');
    expect(maskSecrets(`?k=${encodeURIComponent('s3cret/+"x')}`)).toBe('?k=***');
    expect(maskSecrets(JSON.stringify({ k: 's3cret/+"x' }))).toBe('{"k":"***"}');
  });

  it('ignores values too short to mask meaningfully, and forgets everything when the next try begins', () => {
    beginTaskSecrets(['abc', undefined, 'long-enough']);
    expect(maskSecrets('abc long-enough')).toBe('abc ***');
    beginTaskSecrets();
    expect(maskSecrets('abc long-enough')).toBe('abc long-enough');
  });

  it('masks strings and keys deep inside a return value, leaving other values alone', () => {
    beginTaskSecrets(['tok-123456']);
    expect(maskSecretsIn({ a: ['x tok-123456', 1, null, true], 'tok-123456': { b: 'tok-123456' } })).toEqual({
      a: ['x ***', 1, null, true],
      '***': { b: '***' },
    });
  });

  it('masks log text, errors and return values a worker child sends, but not its SQL', () => {
    beginTaskSecrets(['pw-98765']);
    expect(masked({ type: 'log', tiId: 1, text: 'pw-98765\n' })).toEqual({ type: 'log', tiId: 1, text: '***\n' });
    expect(masked({ type: 'done', tiId: 1, ok: false, error: 'Error: pw-98765' })).toMatchObject({
      error: 'Error: ***',
    });
    expect(masked({ type: 'done', tiId: 1, ok: true, value: { p: 'pw-98765' } })).toMatchObject({
      value: { p: '***' },
    });
    const sql: FromChild = { type: 'sql', reqId: 1, op: 'query', sql: 'SELECT $1', params: ['pw-98765'] };
    expect(masked(sql)).toEqual(sql);
  });

  it("registers the job's own secrets: the alert credentials, the S3 secret key and the warehouse password", () => {
    const config = resolveConfig({
      SLACK_BOT_TOKEN: 'xoxb-bot-token',
      SLACK_WEBHOOK_URL_OPS: 'https://hooks.slack.com/services/T1/B2/hookSecret',
      SMTP_URL: 'smtp://mailer:mail%23pw@mail:587',
    });
    const job = {
      config,
      objectStore: {
        kind: 's3',
        endPoint: 'minio',
        port: 9000,
        useSSL: false,
        accessKey: 'AK',
        secretKey: 'S3-SECRET-KEY',
        region: 'us-east-1',
      },
      warehouse: { mode: 'direct', url: 'postgresql://sluice:wh%40pass@db:5432/wh' },
    } as unknown as RunJob;
    expect(jobSecrets(job)).toEqual([
      'xoxb-bot-token',
      'https://hooks.slack.com/services/T1/B2/hookSecret',
      'services/T1/B2/hookSecret',
      'smtp://mailer:mail%23pw@mail:587',
      'mail%23pw',
      'mail#pw',
      'S3-SECRET-KEY',
      'wh%40pass',
      'wh@pass',
    ]);
  });
});

describe('connection strings', () => {
  it('redacts passwords in URLs (also with an unencoded @ or in the query) and key/value strings', () => {
    expect(redactConnectionString('postgresql://u:p@ss@db:5432/x')).toBe('postgresql://u:***@db:5432/x');
    expect(redactConnectionString('postgres://u:p@db/x?sslmode=require&password=q1')).toBe(
      'postgres://u:***@db/x?sslmode=require&password=***',
    );
    expect(redactConnectionString("host=db password='a b' user=u")).toBe('host=db password=*** user=u');
    expect(redactConnectionString('postgresql://u@db/x')).toBe('postgresql://u@db/x');
    expect(redact('postgresql://u:p@db/x')).toBe('postgresql://u:***@db/x'); // the old import still works
  });

  it('finds the passwords, encoded and decoded', () => {
    expect(connectionPasswords('postgresql://u:p%20w@db/x?sslpassword=k-pass')).toEqual(['p%20w', 'p w', 'k-pass']);
    expect(connectionPasswords("host=db password='it\\'s a b' sslpassword=two")).toEqual(["it's a b", 'two']); // libpq quoting
    expect(connectionPasswords('postgresql://u@db/x')).toEqual([]);
  });
});
