import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: any;
}

/** Calls `/api/v1<url>` of a web server, with a bearer token if given; JSON bodies are parsed. */
export function apiCaller(base: () => string) {
  return async (token: string | undefined, method: string, url: string, json?: unknown): Promise<ApiResponse> => {
    const res = await fetch(`${base()}/api/v1${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: /^[{[]/.test(text) ? JSON.parse(text) : text };
  };
}

/**
 * Checks responses against the server's OpenAPI document: `conforms(method, path, status, body)`
 * with `path` in OpenAPI form (`/dags/{dag_id}`) throws naming what does not match.
 */
export function openApiConformance(doc: Record<string, unknown>) {
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
