import { SluiceError } from '../errors/errors';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** A size such as `32MiB`, `500kb` or `1048576` (bytes), for the setting `name`. */
export function byteSize(raw: string, name: string, min = 1): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const n = m && unit ? Math.round(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(n) || n < min) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `${name} must be a size of at least ${min} bytes such as 32MiB, 500kB or 1048576, got "${raw}"`,
    );
  }
  return n;
}
