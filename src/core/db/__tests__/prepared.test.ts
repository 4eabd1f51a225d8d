import { padForGenericPlan } from '../prepared';

describe('padForGenericPlan', () => {
  it('repeats the first id up to ten entries, keeping every id and adding no other', () => {
    expect(padForGenericPlan(['a'])).toEqual(Array(10).fill('a'));
    const padded = padForGenericPlan(['a', 'b', 'c']);
    expect(padded).toHaveLength(10);
    expect(padded.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(new Set(padded)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('leaves ten or more, and none, as they are (as a copy)', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => `id${i}`);
    expect(padForGenericPlan(twelve)).toEqual(twelve);
    expect(padForGenericPlan(twelve)).not.toBe(twelve);
    expect(padForGenericPlan([])).toEqual([]);
  });
});
