/**
 * The ephemeral materialization: nothing is built; the model is inlined as a CTE into each model
 * that refs it (inline-ephemerals.ts), so it has no relation and no schema of its own.
 */
import { MAX_IDENT_BYTES } from '../template/sql-values';
import { defineMaterialization } from './kind';

/** The CTE an ephemeral model is inlined as is `"__ephemeral_<name>"`. */
export const EPHEMERAL_PREFIX = '__ephemeral_';

export const ephemeral = defineMaterialization({
  name: 'ephemeral',
  actions: ['ephemeral'],
  inlined: true,
  incremental: false,
  requiresUniqueKey: false,
  maxNameBytes: MAX_IDENT_BYTES - EPHEMERAL_PREFIX.length,
  nameLimitReason: (name) => ` (an ephemeral model is inlined as the CTE "${EPHEMERAL_PREFIX}${name}")`,
  doc: `not built; inlined as a CTE (\`WITH "__ephemeral_x" AS (…)\`) into each model that
refs it, merged into the model's own \`WITH\` if it has one, each once, in dependency order.`,
  build: async () => ({ action: 'ephemeral' }),
});
