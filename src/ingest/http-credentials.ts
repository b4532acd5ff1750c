/**
 * Which of the credentials a DAG configured a request may carry. All of them go to the origin of the
 * configured URL (scheme, host and port); a request anywhere else (a redirect or a next link to another
 * host or port, or from https to plain http) carries none: none of the configured headers, not the auth
 * header, and no query parameter holding a configured credential. Only Sluice's own `accept` remains.
 */

export interface Credentials {
  /** Sent to the configured origin only. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: { readonly header: string; readonly value: string };
  /** The configured query parameters; those named like secrets (see `isSecretParam`) count as credentials. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly secretParams?: readonly string[];
}

export interface OutgoingRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** What was left out because the URL is at another origin: header names and `query parameter <name>`. */
  readonly withheld: readonly string[];
}

export type RequestFor = (url: URL) => OutgoingRequest;

const BASE_HEADERS: Readonly<Record<string, string>> = { accept: 'application/json' };

const SECRET_PARAM =
  /^(api[-_]?key|key|token|access[-_]?token|auth|authorization|secret|client[-_]?secret|password|passwd|pwd|signature|sig|x-amz-(signature|credential|security-token))$/i;

/** A query parameter whose value is redacted in messages (and withheld from other origins when configured). */
export function isSecretParam(name: string, extra: readonly string[] = []): boolean {
  return SECRET_PARAM.test(name) || extra.some((e) => e.toLowerCase() === name.toLowerCase());
}

/** A header whose value is a credential by its name; its value is masked in the task's output. */
export function isCredentialHeader(name: string): boolean {
  return /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret|password|passwd|signature|session|auth|credential/i.test(
    name,
  );
}

export function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

/** The request for `url`: with every configured credential at `home`'s origin, with none elsewhere. */
export function requestsFrom(home: URL, c: Credentials): RequestFor {
  const trusted: Record<string, string> = { ...BASE_HEADERS, ...c.headers };
  if (c.auth) trusted[c.auth.header] = c.auth.value;
  const configuredNames = [
    ...new Set([...Object.keys(c.headers ?? {}), ...(c.auth ? [c.auth.header] : [])].map((h) => h.toLowerCase())),
  ].filter((h) => h !== 'accept');
  // Query credentials: the values of configured secret-named parameters, and the auth value wherever it appears.
  const secretValues = new Set<string>(c.auth?.value ? [c.auth.value] : []);
  for (const [k, v] of Object.entries(c.params ?? {}))
    if (isSecretParam(k, c.secretParams) && String(v) !== '') secretValues.add(String(v));
  return (url) => {
    if (sameOrigin(url, home)) return { url, headers: trusted, withheld: [] };
    const clean = new URL(url);
    const withheld = [...configuredNames];
    for (const [k, v] of [...url.searchParams]) {
      if (secretValues.has(v)) {
        clean.searchParams.delete(k);
        withheld.push(`query parameter ${k}`);
      }
    }
    return { url: clean, headers: BASE_HEADERS, withheld: [...new Set(withheld)] };
  };
}
