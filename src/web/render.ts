/**
 * Server-side pages: Handlebars templates in views/, compiled once per server with their own
 * Handlebars instance. `{{x}}` escapes HTML, so anything from a DAG file, a log or an object key is
 * shown as text; only helpers here return markup, and they escape what they put in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

const VIEWS = path.join(__dirname, 'views');
const esc = Handlebars.Utils.escapeExpression;

export type Renderer = (view: string, data: Record<string, unknown>) => string;

/** A state as a coloured, labelled badge (the label is there for people who cannot tell the colours). */
export function stateBadge(state: string | null | undefined): string {
  const s = state ?? 'none';
  return `<span class="state state-${esc(s)}">${esc(s.replace(/_/g, ' '))}</span>`;
}

/** Formats per timezone, made once: pages show hundreds of times, and Intl's set-up is the slow part. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(tz: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    });
    zoneFormats.set(tz, f);
  }
  return f;
}

/** A time in the DAG's timezone, with UTC on hover. */
export function timeTag(d: Date | string | null | undefined, tz = 'UTC'): string {
  if (!d) return '';
  const when = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(when.getTime())) return '';
  const utc = when.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (tz === 'UTC') return `<time datetime="${utc}" title="${utc} UTC">${utc.slice(0, 10)} ${utc.slice(11, 19)}</time>`;
  const p: Record<string, string> = {};
  for (const part of zoneFormat(tz).formatToParts(when)) p[part.type] = part.value;
  const local = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  return `<time datetime="${utc}" title="${utc} UTC">${local} <small>${esc(p.timeZoneName ?? tz)}</small></time>`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function createRenderer(): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('badge', (s: string) => new hb.SafeString(stateBadge(s)));
  hb.registerHelper(
    'when',
    (d: Date | null, tz: unknown) => new hb.SafeString(timeTag(d, typeof tz === 'string' ? tz : 'UTC')),
  );
  hb.registerHelper('took', (ms: number | null) => duration(ms));
  hb.registerHelper('json', (v: unknown) => JSON.stringify(v, null, 2));
  hb.registerHelper('enc', (v: unknown) => encodeURIComponent(String(v ?? '')));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('join', (xs: unknown) => (Array.isArray(xs) ? xs.join(', ') : ''));
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  for (const f of readdirSync(VIEWS).filter((n) => n.endsWith('.hbs'))) {
    const name = f.slice(0, -'.hbs'.length);
    const text = readFileSync(path.join(VIEWS, f), 'utf8');
    if (name.startsWith('_')) hb.registerPartial(name.slice(1), text);
    else templates.set(name, hb.compile(text, { strict: false, noPrototypeProperties: true } as CompileOptions));
  }
  const layout = templates.get('layout')!;
  return (view, data) => {
    const page = templates.get(view);
    if (!page) throw new Error(`no view ${view}`);
    const body = page(data, { allowProtoPropertiesByDefault: false });
    if (data.fragment) return body;
    return layout({ ...data, body: new hb.SafeString(body) });
  };
}
