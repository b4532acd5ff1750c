/** Column values as text: regular expressions (Postgres' POSIX `~`), LIKE patterns, lengths. */
import { quoteLiteral } from '../../db/quote';
import type { ExpectationType, Kwargs, Planner } from '../expectation';
import { checkBounds, countBound, describeBounds, fmt } from './kwargs';
import { columnMap, textOf } from './map';

const regexKw = { type: 'string' } as const;
const regexList = { type: 'array', items: regexKw, minItems: 1 } as const;
const matchOn = { enum: ['any', 'all'] } as const;

const regexes = (k: Kwargs, p: Planner, t: string, op: 'OR' | 'AND') =>
  (k.regex_list as string[]).map((r, i) => `${t} ~ ${p.regex(r, `regex_list/${i}`)}`).join(` ${op} `);

export const COLUMN_TEXT_TYPES: readonly ExpectationType[] = [
  columnMap({
    name: 'expect_column_values_to_match_regex',
    description:
      'Every value (as text) matches regex (Postgres POSIX syntax, unanchored: use ^…$ for the whole value).',
    properties: { regex: regexKw },
    required: ['regex'],
    unexpected: (k, p) => `NOT (${textOf(p, k.column)} ~ ${p.regex(k.regex, 'regex')})`,
    fails: (k) => `do not match ${fmt(k.regex)}`,
  }),
  columnMap({
    name: 'expect_column_values_to_not_match_regex',
    description: 'No value (as text) matches regex.',
    properties: { regex: regexKw },
    required: ['regex'],
    unexpected: (k, p) => `${textOf(p, k.column)} ~ ${p.regex(k.regex, 'regex')}`,
    fails: (k) => `match ${fmt(k.regex)}`,
  }),
  columnMap({
    name: 'expect_column_values_to_match_regex_list',
    description: 'Every value matches any (match_on "any", the default) or all of regex_list.',
    properties: { regex_list: regexList, match_on: matchOn },
    required: ['regex_list'],
    unexpected: (k, p) => `NOT (${regexes(k, p, textOf(p, k.column), k.match_on === 'all' ? 'AND' : 'OR')})`,
    fails: (k) => `do not match ${k.match_on === 'all' ? 'all' : 'any'} of the ${k.regex_list.length} regexes`,
  }),
  columnMap({
    name: 'expect_column_values_to_not_match_regex_list',
    description: 'No value matches any of regex_list.',
    properties: { regex_list: regexList },
    required: ['regex_list'],
    unexpected: (k, p) => `(${regexes(k, p, textOf(p, k.column), 'OR')})`,
    fails: (k) => `match one of the ${k.regex_list.length} regexes`,
  }),
  columnMap({
    name: 'expect_column_values_to_match_like_pattern',
    description: 'Every value (as text) matches the SQL LIKE pattern like_pattern (% and _).',
    properties: { like_pattern: { type: 'string' } },
    required: ['like_pattern'],
    unexpected: (k, p) => `NOT (${textOf(p, k.column)} LIKE ${quoteLiteral(k.like_pattern)})`,
    fails: (k) => `are not like ${fmt(k.like_pattern)}`,
  }),
  columnMap({
    name: 'expect_column_values_to_not_match_like_pattern',
    description: 'No value (as text) matches the SQL LIKE pattern like_pattern.',
    properties: { like_pattern: { type: 'string' } },
    required: ['like_pattern'],
    unexpected: (k, p) => `${textOf(p, k.column)} LIKE ${quoteLiteral(k.like_pattern)}`,
    fails: (k) => `are like ${fmt(k.like_pattern)}`,
  }),
  columnMap({
    name: 'expect_column_value_lengths_to_be_between',
    description: "Every value's length in characters (as text) is between min_value and max_value (inclusive).",
    properties: { min_value: countBound, max_value: countBound },
    check: (k) => checkBounds(k),
    unexpected(k, p) {
      const len = `char_length(${textOf(p, k.column)})`;
      const parts = [];
      if (k.min_value != null) parts.push(`${len} < ${Number(k.min_value)}`);
      if (k.max_value != null) parts.push(`${len} > ${Number(k.max_value)}`);
      return parts.join(' OR ') || 'false';
    },
    fails: (k) => `have a length not ${describeBounds(k.min_value, k.max_value)}`,
  }),
  columnMap({
    name: 'expect_column_value_lengths_to_equal',
    description: "Every value's length in characters (as text) is value.",
    properties: { value: { type: 'integer', minimum: 0 } },
    required: ['value'],
    unexpected: (k, p) => `char_length(${textOf(p, k.column)}) <> ${Number(k.value)}`,
    fails: (k) => `do not have length ${k.value}`,
  }),
];
