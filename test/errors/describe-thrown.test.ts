import { describeThrown } from '../../src/errors/describe-thrown';
import { SluiceError } from '../../src/errors/errors';

const NOTE = '(not an Error, so there is no stack trace; throw new Error(...) to get one)';

test('values that are not Errors are shown as themselves, whatever their shape', () => {
  expect(describeThrown(null)).toBe(`null was thrown ${NOTE}`);
  expect(describeThrown(42)).toBe(`number 42 was thrown ${NOTE}`);
  const loop: Record<string, unknown> = { status: 503 };
  loop.self = loop;
  expect(describeThrown(loop)).toBe(`an object was thrown ${NOTE}: {"status":503,"self":"[circular]"}`);
  expect(describeThrown(new Map([['a', 1n]]))).toBe(`an object was thrown ${NOTE}: {"a":"1n"}`);
});

test('Errors keep their stack, fields, causes and aggregated errors; a SluiceError is its message', () => {
  const e = new Error('first');
  e.message = 'changed later';
  expect(describeThrown(e)).toMatch(/^Error: changed later\n\s+at /);
  expect(describeThrown(e, { stack: false })).toBe('Error: changed later');
  const agg = new AggregateError([new TypeError('a'), 'b'], 'two failed');
  expect(describeThrown(agg, { stack: false })).toBe(
    `AggregateError: two failed\n[0] TypeError: a\n[1] b (a string was thrown, not an Error, so there is no stack trace; throw new Error(...) to get one)`,
  );
  expect(describeThrown(new SluiceError('CHECK_FAILED', 'gate closed: 3 rows failed', [{ message: 'x' }]))).toBe(
    'gate closed: 3 rows failed',
  );
  expect(describeThrown(new Error('outer', { cause: { code: 'E1' } }), { stack: false })).toBe(
    `Error: outer\ncaused by: an object was thrown ${NOTE}: {"code":"E1"}`,
  );
});
