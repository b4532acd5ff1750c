import { MAX_PART_INDEX, parseLakeKey, partitionPrefix, partKey } from '../../src/lake/layout';

describe('lake layout', () => {
  test('daily and hourly partition prefixes', () => {
    expect(partitionPrefix('shop', 'orders', '2026-01-05')).toBe('shop/orders/dt=2026-01-05/');
    expect(partitionPrefix('web_logs', 'page-views', '2026-01-05', 7)).toBe('web_logs/page-views/dt=2026-01-05/hr=07/');
    expect(partitionPrefix('a1', 'b2', '2024-02-29', 0)).toBe('a1/b2/dt=2024-02-29/hr=00/');
    expect(partitionPrefix('a1', 'b2', '2024-02-29', 23)).toBe('a1/b2/dt=2024-02-29/hr=23/');
  });

  test('part keys are four-digit numbered files under the prefix', () => {
    const daily = partitionPrefix('shop', 'orders', '2026-01-05');
    expect(partKey(daily, 0, 'csv')).toBe('shop/orders/dt=2026-01-05/part-0000.csv');
    expect(partKey(daily, 12, 'jsonl.gz')).toBe('shop/orders/dt=2026-01-05/part-0012.jsonl.gz');
    expect(partKey(partitionPrefix('shop', 'orders', '2026-01-05', 13), MAX_PART_INDEX, 'parquet')).toBe(
      'shop/orders/dt=2026-01-05/hr=13/part-9999.parquet',
    );
  });

  test('keys parse back into their parts', () => {
    expect(parseLakeKey('shop/orders/dt=2026-01-05/part-0003.csv')).toEqual({
      source: 'shop',
      dataset: 'orders',
      ds: '2026-01-05',
      prefix: 'shop/orders/dt=2026-01-05/',
      index: 3,
      ext: 'csv',
    });
    expect(parseLakeKey('web_logs/page-views/dt=2026-01-05/hr=07/part-0000.jsonl.gz')).toEqual({
      source: 'web_logs',
      dataset: 'page-views',
      ds: '2026-01-05',
      hour: 7,
      prefix: 'web_logs/page-views/dt=2026-01-05/hr=07/',
      index: 0,
      ext: 'jsonl.gz',
    });
    for (const [source, dataset, ds, hour, index, ext] of [
      ['s', 'd', '2026-12-31', undefined, 9999, 'csv'],
      ['s-1', 'd_2', '2026-01-01', 23, 0, 'json'],
    ] as const) {
      const key = partKey(partitionPrefix(source, dataset, ds, hour), index, ext);
      expect(parseLakeKey(key)).toMatchObject({
        source,
        dataset,
        ds,
        index,
        ext,
        ...(hour === undefined ? {} : { hour }),
      });
    }
  });

  test('keys outside the layout parse to undefined', () => {
    for (const key of [
      'shop/orders/part-0000.csv',
      'shop/orders/dt=2026-1-05/part-0000.csv',
      'shop/orders/dt=2026-02-30/part-0000.csv',
      'shop/orders/dt=2026-01-05/hr=24/part-0000.csv',
      'shop/orders/dt=2026-01-05/hr=7/part-0000.csv',
      'shop/orders/dt=2026-01-05/part-1.csv',
      'shop/orders/dt=2026-01-05/part-0000',
      'shop/orders/dt=2026-01-05/part-0000.CSV',
      'Shop/orders/dt=2026-01-05/part-0000.csv',
      'x/shop/orders/dt=2026-01-05/part-0000.csv',
      'shop/orders/dt=2026-01-05/extra/part-0000.csv',
      'shop/orders/dt=2026-01-05/',
      '',
    ]) {
      expect(parseLakeKey(key)).toBeUndefined();
    }
  });

  test('bad names, days, hours, indexes and extensions are USAGE errors', () => {
    const usage = (fn: () => unknown, text: string) =>
      expect(fn).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(text) }));
    usage(() => partitionPrefix('Shop', 'orders', '2026-01-05'), 'source name');
    usage(() => partitionPrefix('shop', 'or/ders', '2026-01-05'), 'dataset name');
    usage(() => partitionPrefix('shop', '', '2026-01-05'), 'dataset name');
    usage(() => partitionPrefix('shop', '-x', '2026-01-05'), 'dataset name');
    usage(() => partitionPrefix('shop', 'orders', '2026-02-30'), 'YYYY-MM-DD');
    usage(() => partitionPrefix('shop', 'orders', '20260105'), 'YYYY-MM-DD');
    usage(() => partitionPrefix('shop', 'orders', '2026-01-05', 24), 'hour');
    usage(() => partitionPrefix('shop', 'orders', '2026-01-05', 1.5), 'hour');
    const prefix = partitionPrefix('shop', 'orders', '2026-01-05');
    usage(() => partKey(prefix, MAX_PART_INDEX + 1, 'csv'), 'part index');
    usage(() => partKey(prefix, -1, 'csv'), 'part index');
    usage(() => partKey(prefix, 0, '.csv'), 'extension');
    usage(() => partKey(prefix, 0, 'CSV'), 'extension');
    usage(() => partKey('shop/orders/', 0, 'csv'), 'not a partition prefix');
  });
});
