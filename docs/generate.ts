/**
 * `npm run docs:generate`: rewrites the generated sections of the docs from the code that defines
 * them. test/checks/expectation-docs.test.ts and test/models/materialization-docs.test.ts fail
 * when a section is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectationTypeTables } from '../src/checks/expectation-docs';
import { materializationList } from '../src/models/materialization-docs';
import { replaceGeneratedSection } from '../src/util/generated-section';

const SECTIONS = [
  { file: 'expectations.md', section: 'expectation-types', body: expectationTypeTables },
  { file: 'models.md', section: 'materializations', body: materializationList },
];

for (const { file, section, body } of SECTIONS) {
  const full = path.join(__dirname, file);
  const before = readFileSync(full, 'utf8');
  const after = replaceGeneratedSection(before, section, body());
  if (after !== before) writeFileSync(full, after);
  console.log(`${after === before ? 'unchanged' : 'written'}: docs/${file} (${section})`);
}
