import { SluiceError } from '../errors/errors';

/**
 * Hive-style lake keys: `<source>/<dataset>/dt=YYYY-MM-DD/part-NNNN.<ext>`, with `hr=HH/` after the
 * day for hourly partitions. Query engines (DuckDB, Spark, Trino) read `dt`/`hr` as columns, and one
 * prefix per partition lets a rerun list and replace exactly its own files.
 */

export interface Partition {
  readonly source: string;
  readonly dataset: string;
  /** The partition day, YYYY-MM-DD. */
  readonly ds: string;
  /** 0-23 for hourly partitions. */
  readonly hour?: number;
}

export interface LakeKey extends Partition {
  /** The partition prefix, ending in `/`. */
  readonly prefix: string;
  readonly index: number;
  readonly ext: string;
}

/** Part numbers are four digits so that keys sort in part order. */
export const MAX_PART_INDEX = 9999;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const EXT = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
const KEY =
  /^([a-z0-9][a-z0-9_-]{0,62})\/([a-z0-9][a-z0-9_-]{0,62})\/dt=(\d{4}-\d{2}-\d{2})\/(?:hr=(\d{2})\/)?part-(\d{4})\.([a-z0-9]+(?:\.[a-z0-9]+)*)$/;

/** `<source>/<dataset>/dt=<ds>/` or `…/dt=<ds>/hr=<HH>/`. */
export function partitionPrefix(source: string, dataset: string, ds: string, hour?: number): string {
  checkName('source', source);
  checkName('dataset', dataset);
  if (!isDay(ds)) throw new SluiceError('USAGE', `partition day must be a date written YYYY-MM-DD, got "${ds}"`);
  if (hour === undefined) return `${source}/${dataset}/dt=${ds}/`;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23)
    throw new SluiceError('USAGE', `partition hour must be a whole number from 0 to 23, got ${hour}`);
  return `${source}/${dataset}/dt=${ds}/hr=${String(hour).padStart(2, '0')}/`;
}

/** `<prefix>part-NNNN.<ext>` for a prefix made by partitionPrefix. */
export function partKey(prefix: string, index: number, ext: string): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_PART_INDEX) {
    throw new SluiceError('USAGE', `part index must be a whole number from 0 to ${MAX_PART_INDEX}, got ${index}`);
  }
  if (!EXT.test(ext))
    throw new SluiceError(
      'USAGE',
      `file extension must be lower-case letters and digits without the leading dot (e.g. "csv", "jsonl.gz"), got "${ext}"`,
    );
  const key = `${prefix}part-${String(index).padStart(4, '0')}.${ext}`;
  if (!parseLakeKey(key))
    throw new SluiceError('USAGE', `"${prefix}" is not a partition prefix (<source>/<dataset>/dt=YYYY-MM-DD/[hr=HH/])`);
  return key;
}

/** The parts of a key in the layout; undefined for any other key. */
export function parseLakeKey(key: string): LakeKey | undefined {
  const m = KEY.exec(key);
  if (!m) return undefined;
  const [, source, dataset, ds, hr, part, ext] = m;
  if (!isDay(ds)) return undefined;
  const hour = hr === undefined ? undefined : Number(hr);
  if (hour !== undefined && hour > 23) return undefined;
  const prefix = key.slice(0, key.lastIndexOf('/') + 1);
  return { source, dataset, ds, ...(hour === undefined ? {} : { hour }), prefix, index: Number(part), ext };
}

function checkName(what: string, name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SluiceError(
      'USAGE',
      `${what} name must be 1-63 lower-case letters, digits, "_" or "-" (starting with a letter or digit), got "${name}"`,
    );
  }
}

function isDay(ds: string): boolean {
  if (typeof ds !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(ds)) return false;
  const d = new Date(`${ds}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ds;
}
