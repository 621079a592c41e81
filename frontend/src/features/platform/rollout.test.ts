import { describe, expect, it } from 'vitest';
import type { Answer } from './hooks/useResponders';
import { sparklinePoints, versionClasses, versionColumns } from './rollout';

const answered = (...versions: string[]): Answer[] =>
  versions.map((version, at) => ({ pod: `pod-${version}`, version, at, latencyMs: null }));

describe('versionColumns', () => {
  it('shows traffic moving from the old version to the new one during a rollout', () => {
    const columns = versionColumns(answered('1', '1', '1', '2', '1', '2', '2', '2'), 4, 3);
    expect(columns.map((c) => [c.at, c.counts, c.total])).toEqual([
      [4, { '1': 2, '2': 1 }, 3],
      [5, { '1': 1, '2': 2 }, 3],
      [6, { '1': 1, '2': 2 }, 3],
      [7, { '2': 3 }, 3],
    ]);
  });

  it('fills the window as the first answers arrive', () => {
    expect(versionColumns(answered('1', '2'), 20, 10).map((c) => c.total)).toEqual([1, 2]);
    expect(versionColumns([], 20, 10)).toEqual([]);
  });
});

describe('versionClasses', () => {
  it('gives each version a colour in order of appearance, six in turn', () => {
    const classes = versionClasses(['b', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect([...classes.entries()]).toEqual([
      ['b', 'version-0'],
      ['a', 'version-1'],
      ['c', 'version-2'],
      ['d', 'version-3'],
      ['e', 'version-4'],
      ['f', 'version-5'],
      ['g', 'version-0'],
    ]);
  });
});

describe('sparklinePoints', () => {
  it('scales the values into the box, the highest at the top', () => {
    expect(sparklinePoints([1, 3, 2], 100, 10)).toBe('0.0,10.0 50.0,0.0 100.0,5.0');
  });

  it('draws a flat line for equal values and a dot for one', () => {
    expect(sparklinePoints([2, 2], 100, 10)).toBe('0.0,10.0 100.0,10.0');
    expect(sparklinePoints([4], 100, 10)).toBe('50.0,10.0');
    expect(sparklinePoints([], 100, 10)).toBe('');
  });
});
