/**
 * The JSON Schema of a suite file's envelope (GX 1.x's shape: name, expectations of type + kwargs),
 * plus the table it validates and an optional row filter. Each type's kwargs have their own schema.
 */
export const SUITE_SCHEMA = {
  $id: 'sluice:expectation-suite',
  type: 'object',
  required: ['name', 'table', 'expectations'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' },
    table: { type: 'string', pattern: '^[^.\\s]+(\\.[^.\\s]+)?$' },
    where: { type: 'string', minLength: 1 },
    expectations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', minLength: 1 },
          kwargs: { type: 'object' },
          severity: { enum: ['error', 'warn'] },
          meta: { type: 'object' },
          notes: { type: ['string', 'array'] },
          id: { type: 'string' },
        },
      },
    },
    meta: { type: 'object' },
    notes: { type: ['string', 'array'] },
  },
} as const;

/** GX kwargs Sluice does not take, and what to do instead. */
export const GX_ONLY_KWARGS: Readonly<Record<string, string>> = {
  row_condition: 'filter rows with the suite\'s "where" instead',
  condition_parser: 'filter rows with the suite\'s "where" instead',
  result_format: 'Sluice always returns counts, up to 20 sample rows and the failing-rows SQL; remove it',
  include_config: 'results always carry the kwargs; remove it',
  catch_exceptions: 'a broken expectation is an error before anything runs; remove it',
  parse_strings_as_datetimes: "bounds given as strings are cast to the column's type already; remove it",
};
