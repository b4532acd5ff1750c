import type { JsonValue } from '../dag/types';
import { SluiceError } from '../errors/errors';

/**
 * A run's conf is stored as jsonb, which refuses a NUL byte and an unpaired surrogate with a bare
 * "unsupported Unicode escape sequence": such a value (or key) is named instead, by its path.
 */
export function assertStorableConf(conf: JsonValue, path = 'conf'): void {
  if (typeof conf === 'string') {
    if (conf.includes('\u0000')) throw new SluiceError('USAGE', `${path} contains a NUL byte (\\u0000), which Postgres cannot store; remove it`);
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(conf)) {
      throw new SluiceError('USAGE', `${path} contains an unpaired UTF-16 surrogate (not valid Unicode), which Postgres cannot store; remove it`);
    }
  } else if (Array.isArray(conf)) {
    conf.forEach((v, i) => assertStorableConf(v, `${path}[${i}]`));
  } else if (conf !== null && typeof conf === 'object') {
    for (const [k, v] of Object.entries(conf)) {
      assertStorableConf(k, `a key of ${path}`);
      assertStorableConf(v, `${path}.${k}`);
    }
  }
}
