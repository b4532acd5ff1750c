import type { ApiRoute } from './route-kit';

const ERROR = { $ref: '#/components/schemas/Error' };
const ERRORS: Record<string, string> = {
  '400': 'bad input (code USAGE and others)',
  '401': 'not logged in, or an unknown token (UNAUTHENTICATED)',
  '403': 'the role does not allow it, or a missing CSRF token (FORBIDDEN)',
  '404': 'no such DAG, run, task, user, token or route',
  '409': 'the change conflicts with the current state (STATE_CONFLICT)',
};

/** The OpenAPI 3.1 document of ROUTES. */
export function openApiDocument(
  routes: readonly ApiRoute[],
  schemas: Record<string, unknown>,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: m[1] === 'try_number' || m[1] === 'token_id' ? 'integer' : 'string' },
      })),
      ...(r.query ?? []).map((q) => ({ name: q.name, in: 'query', description: q.description, schema: q.schema })),
    ];
    const content =
      r.response === 'text'
        ? { 'text/plain': { schema: { type: 'string' } } }
        : { 'application/json': { schema: r.response } };
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      summary: r.summary,
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(r.permission === 'public'
        ? { security: [] }
        : { 'x-sluice-role': r.permission === 'read' ? 'Viewer' : r.permission === 'operate' ? 'Op' : 'Admin' }),
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'success', content },
        ...Object.fromEntries(
          Object.entries(ERRORS).map(([s, d]) => [
            s,
            { description: d, content: { 'application/json': { schema: ERROR } } },
          ]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Sluice API', version: '1', description: 'DAGs, runs and task instances of a Sluice deployment.' },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a token from `sluice users tokens create`' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'sluice_session',
          description: 'the web UI login (state-changing requests need the X-CSRF-Token header)',
        },
      },
    },
  };
}
