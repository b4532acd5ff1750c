import { closest, didYouMean, NAME_HINTS, SUITE_HINTS } from '../../src/util/did-you-mean';

describe('did you mean', () => {
  it('names: exact case, a swap is one edit, a third of the name rounded down', () => {
    expect(closest('ordres', ['orders'])).toBe('orders'); // 1 edit (a swap), 6 letters
    expect(closest('bacth', ['batch', 'limit'])).toBe('batch'); // a swap: one edit of the one 5 letters allow
    expect(closest('tabel', ['partition', 'table'])).toBe('table');
    expect(closest('bcaht', ['batch'])).toBeUndefined(); // two swaps are two edits
    expect(closest('ordrs', ['orders'])).toBe('orders');
    expect(closest('odrs', ['orders'])).toBeUndefined();
    expect(closest('Orders', ['orders'], NAME_HINTS)).toBe('orders');
  });

  it('suites: any case, a swap is one edit, at least two edits', () => {
    expect(didYouMean('emial', ['email', 'id'], SUITE_HINTS)).toBe(' (did you mean "email"?)');
    expect(didYouMean('EMAIL', ['email'], SUITE_HINTS)).toBe(' (did you mean "email"?)');
    expect(didYouMean('ab', ['xy'], SUITE_HINTS)).toBe(' (did you mean "xy"?)');
    expect(didYouMean('ab', ['xy'])).toBe('');
  });

  it('keeps the first of equally close candidates', () => {
    expect(closest('cat', ['bat', 'hat'])).toBe('bat');
  });
});
