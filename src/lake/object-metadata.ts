import { SluiceError } from '../errors/errors';
import type { ColumnSpec, ColumnType } from './column-spec';
import { COLUMN_TYPES } from './columns';

/** What Sluice records on every object it lands, so a loader can check it without reading it twice. */
export interface LakeObjectMeta {
  readonly rows: number;
  readonly sha256: string;
  readonly columns: readonly ColumnSpec[];
  /** Incremental sources: the highest watermark among the object's rows. */
  readonly watermark?: string;
  readonly rejected?: number;
}

// Object metadata must be printable ASCII (S3 headers): names and watermarks are percent-encoded.
export function encodeObjectMeta(m: LakeObjectMeta): Record<string, string> {
  const out: Record<string, string> = {
    'sluice-rows': String(m.rows),
    'sluice-sha256': m.sha256,
    'sluice-schema': m.columns
      .map((c) => `${encodeURIComponent(c.name)}:${c.type}${c.nullable === false ? '!' : ''}`)
      .join(','),
  };
  if (m.watermark) out['sluice-watermark'] = encodeURIComponent(m.watermark);
  if (m.rejected) out['sluice-rejected'] = String(m.rejected);
  return out;
}

/** undefined for an object Sluice did not land (no `sluice-schema`); an error for a damaged one. */
export function decodeObjectMeta(meta: Readonly<Record<string, string>>, where: string): LakeObjectMeta | undefined {
  const schema = meta['sluice-schema'];
  if (schema === undefined) return undefined;
  const columns = schema.split(',').map((part) => {
    const m = /^([^:]+):([a-z]+)(!?)$/.exec(part);
    if (!m || !COLUMN_TYPES.includes(m[2] as ColumnType))
      throw new SluiceError('LOAD_FAILED', `${where}: unreadable sluice-schema metadata near "${part}"`);
    return { name: decodeURIComponent(m[1]), type: m[2] as ColumnType, nullable: m[3] !== '!' };
  });
  const rows = Number(meta['sluice-rows']);
  if (!Number.isInteger(rows) || rows < 0)
    throw new SluiceError('LOAD_FAILED', `${where}: unreadable sluice-rows metadata "${meta['sluice-rows']}"`);
  const wm = meta['sluice-watermark'];
  return {
    rows,
    sha256: meta['sluice-sha256'] ?? '',
    columns,
    watermark: wm === undefined ? undefined : decodeURIComponent(wm),
    rejected: meta['sluice-rejected'] ? Number(meta['sluice-rejected']) : undefined,
  };
}
