/**
 * The "Expectation types" tables of docs/expectations.md, written from the registry (each type's
 * group, description, kwargs schema and onEmpty), so the docs list exactly the types there are.
 */
import { markdownTable } from '../util/markdown-table';
import type { ExpectationType } from './expectation';
import { EXPECTATION_TYPES } from './registry';

/** The count, then one table per group in registry order. */
export function expectationTypeTables(types: readonly ExpectationType[] = EXPECTATION_TYPES): string {
  const groups = new Map<string, ExpectationType[]>();
  for (const t of types) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
  const sections = [...groups].map(([group, members]) =>
    [
      `#### ${group}`,
      markdownTable(
        ['Type', 'kwargs (required in bold)', 'What it checks', 'Empty table'],
        members.map((t) => [`\`${t.name}\``, kwargsCell(t), t.description, t.onEmpty]),
      ),
    ].join('\n\n'),
  );
  return [`${types.length} types.`, ...sections].join('\n\n');
}

/** The kwargs in schema order, required ones in bold. */
function kwargsCell(t: ExpectationType): string {
  const schema = t.kwargs as { properties?: Record<string, unknown>; required?: readonly string[] };
  const required = new Set(schema.required ?? []);
  return Object.keys(schema.properties ?? {})
    .map((k) => (required.has(k) ? `**${k}**` : k))
    .join(', ');
}
