import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectationTypeTables } from '../../src/checks/expectation-docs';
import { EXPECTATION_TYPES } from '../../src/checks/registry';
import { replaceGeneratedSection } from '../../src/util/generated-section';

const FILE = path.join(__dirname, '../../docs/expectations.md');

describe('docs/expectations.md', () => {
  it('lists the expectation types as the registry defines them (npm run docs:generate rewrites it)', () => {
    const text = readFileSync(FILE, 'utf8');
    expect(replaceGeneratedSection(text, 'expectation-types', expectationTypeTables())).toBe(text);
  });

  it('has a row for every type', () => {
    const text = readFileSync(FILE, 'utf8');
    for (const t of EXPECTATION_TYPES) expect(text).toContain(`| \`${t.name}\` `);
  });
});
