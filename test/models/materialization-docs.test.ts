import { readFileSync } from 'node:fs';
import path from 'node:path';
import { materializationList } from '../../src/models/materialization-docs';
import { replaceGeneratedSection } from '../../src/util/generated-section';

it('docs/models.md lists the materializations as the registry defines them (npm run docs:generate rewrites it)', () => {
  const text = readFileSync(path.join(__dirname, '../../docs/models.md'), 'utf8');
  expect(replaceGeneratedSection(text, 'materializations', materializationList())).toBe(text);
});
