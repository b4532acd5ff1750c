/**
 * The list under "## Materializations" in docs/models.md, written from the registry (each kind's
 * `doc`), so a new kind is documented where it is defined.
 */
import { MATERIALIZATION_KINDS } from './materializations/registry';

export function materializationList(): string {
  return MATERIALIZATION_KINDS.map((k) => {
    const key = k.requiresUniqueKey ? ' (`unique_key` required)' : '';
    return `- **${k.name}**${key}: ${k.doc.trim().replace(/\n/g, '\n  ')}`;
  }).join('\n');
}
