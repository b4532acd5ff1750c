import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** One call of the REST API under `base`/api/v1, with a bearer token (or none). */
export async function callApi(
  base: string,
  token: string | undefined,
  method: string,
  url: string,
  json?: unknown,
): Promise<{ status: number; headers: Headers; text: string; body: any }> {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text.startsWith('{') ? JSON.parse(text) : text };
}

/**
 * Checks responses against the served OpenAPI document: `conforms(method, path, status, body)` throws
 * unless the body matches the schema of that route's response (path in OpenAPI form).
 */
export function openApiChecker(doc: Record<string, unknown>) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'api' });
  return (method: string, path: string, status: number, body: unknown): void => {
    const pointer = `api#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    if (!validate(body))
      throw new Error(`${method} ${path}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
}
