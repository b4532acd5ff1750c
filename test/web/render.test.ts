import { stateBadge, timeTag } from '../../src/web/render';

describe('timeTag', () => {
  test('shows UTC times as they are, to the second', () => {
    expect(timeTag(new Date('2026-07-01T23:30:00.123Z'))).toBe(
      '<time datetime="2026-07-01T23:30:00Z" title="2026-07-01T23:30:00Z UTC">2026-07-01 23:30:00</time>',
    );
  });

  test("shows a DAG's timezone with its offset name, on either side of a DST change", () => {
    expect(timeTag('2026-03-29T00:59:59Z', 'Europe/Berlin')).toContain('>2026-03-29 01:59:59 <small>GMT+1</small>');
    expect(timeTag('2026-03-29T01:00:00Z', 'Europe/Berlin')).toContain('>2026-03-29 03:00:00 <small>GMT+2</small>');
    expect(timeTag('2026-12-31T23:59:59Z', 'America/New_York')).toContain('>2026-12-31 18:59:59 <small>EST</small>');
    expect(timeTag('2026-01-01T00:00:00Z', 'Asia/Kolkata')).toContain('>2026-01-01 05:30:00 <small>GMT+5:30</small>');
  });

  test('shows nothing for no time or a time that does not parse', () => {
    expect(timeTag(null)).toBe('');
    expect(timeTag('not a date', 'Europe/Berlin')).toBe('');
  });
});

test('stateBadge escapes what it shows', () => {
  expect(stateBadge('up_for_retry')).toBe('<span class="state state-up_for_retry">up for retry</span>');
  expect(stateBadge('<b>')).toBe('<span class="state state-&lt;b&gt;">&lt;b&gt;</span>');
  expect(stateBadge(null)).toBe('<span class="state state-none">none</span>');
});
