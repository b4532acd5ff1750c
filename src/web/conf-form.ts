/**
 * A run's conf as a form: a field per DAG param (its kind from its default value) and a conf JSON
 * box merged on top, for the trigger and backfill forms.
 */
import type { JsonObject, JsonValue } from '../dag/types';
import { SluiceError } from '../errors/errors';

export interface ParamField {
  readonly name: string;
  readonly kind: 'boolean' | 'number' | 'string' | 'json';
  readonly value: JsonValue;
  readonly checked: boolean;
}

/** A field per param, showing what was sent (a re-shown form) or else the param's default. */
export function paramFields(params: JsonObject, sent?: Record<string, unknown>): ParamField[] {
  return Object.entries(params).map(([name, def]) => {
    const kind =
      typeof def === 'boolean'
        ? 'boolean'
        : typeof def === 'number'
          ? 'number'
          : typeof def === 'string'
            ? 'string'
            : 'json';
    const raw = sent?.[`param.${name}`];
    if (kind === 'boolean')
      return { name, kind, value: def, checked: sent ? raw === 'on' || raw === 'true' : def === true };
    if (sent && typeof raw === 'string') return { name, kind, value: raw, checked: false };
    return { name, kind, value: kind === 'json' ? JSON.stringify(def) : def, checked: false };
  });
}

/** The form's fields back into conf: each param as its kind says, then the raw conf JSON on top. */
export function confFromForm(body: Record<string, unknown>, params: JsonObject): JsonObject {
  const conf: Record<string, JsonValue> = {};
  for (const [name, def] of Object.entries(params)) {
    const raw = body[`param.${name}`];
    if (typeof def === 'boolean') conf[name] = raw === 'on' || raw === 'true';
    else if (raw === undefined) continue;
    else if (typeof def === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n))
        throw new SluiceError('USAGE', `param ${name} must be a number, got "${String(raw)}"`);
      conf[name] = n;
    } else if (typeof def === 'string') conf[name] = String(raw);
    else {
      try {
        conf[name] = JSON.parse(String(raw)) as JsonValue;
      } catch {
        throw new SluiceError('USAGE', `param ${name} must be JSON, got "${String(raw)}"`);
      }
    }
  }
  const extra = typeof body.conf === 'string' ? body.conf.trim() : '';
  if (!extra) return conf;
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch (e) {
    throw new SluiceError('USAGE', `conf is not JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SluiceError('USAGE', 'conf must be a JSON object, e.g. {"scale": 2}');
  return { ...conf, ...(parsed as JsonObject) };
}
