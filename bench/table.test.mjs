import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendToTable } from './table.mjs';

const doc = [
  '# t',
  '',
  '| a | b |',
  '| - | - |',
  '| 1 | 2 |',
  '',
  '<!-- m -->',
  '',
  'after',
  '',
].join('\n');

test('rows go after the last row of the table above the marker, not after the blank line', () => {
  const out = appendToTable(doc, '<!-- m -->', ['| 3 | 4 |', '| 5 | 6 |']);
  assert.equal(
    out,
    [
      '# t',
      '',
      '| a | b |',
      '| - | - |',
      '| 1 | 2 |',
      '| 3 | 4 |',
      '| 5 | 6 |',
      '',
      '<!-- m -->',
      '',
      'after',
      '',
    ].join('\n'),
  );
});

test('a second run appends below the first', () => {
  const once = appendToTable(doc, '<!-- m -->', ['| 3 | 4 |']);
  const twice = appendToTable(once, '<!-- m -->', ['| 5 | 6 |']);
  assert.match(twice, /\| 1 \| 2 \|\n\| 3 \| 4 \|\n\| 5 \| 6 \|\n\n<!-- m -->/);
});

test('a marker that is missing, or not below a table, is an error', () => {
  assert.throws(() => appendToTable(doc, '<!-- other -->', ['| x |']), /no <!-- other -->/);
  assert.throws(
    () => appendToTable('| a |\n\ntext\n<!-- m -->', '<!-- m -->', ['| x |']),
    /does not follow a table/,
  );
  assert.throws(() => appendToTable('\n<!-- m -->', '<!-- m -->', ['| x |']), /no table above/);
});
