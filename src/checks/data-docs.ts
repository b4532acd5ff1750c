import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Queryable } from '../db/queryable';
import { INDEX_PAGE, VALIDATION_PAGE } from './docs-templates';
import { latestValidations } from '../state/validations';
import type { ValidationResult } from './types';

const hbs = Handlebars.create();
const validationPage = hbs.compile(VALIDATION_PAGE);
const indexPage = hbs.compile(INDEX_PAGE);

const show = (v: unknown): string => {
  if (v === null || v === undefined) return '—';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};
const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

/** Writes one file so that a reader (the web server) never sees half of it. */
function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Data Docs: a static HTML page per validation (`validations/<suite>/<id>.html`) and an index of
 * suites with their latest result, under `dir`. Returns the page's path relative to `dir`.
 */
export function writeValidationPage(dir: string, id: number, v: ValidationResult, run?: string): string {
  const rel = path.posix.join('validations', safeName(v.suite), `${id}.html`);
  const results = v.results.map((r) => {
    const sampleColumns = r.sample?.length ? Object.keys(r.sample[0]) : [];
    return {
      ...r,
      kwargsText: show(r.kwargs),
      observedText: show(r.observed),
      verdict: r.success ? 'passed' : r.severity === 'warn' ? 'warning' : 'failed',
      cssClass: r.success ? 'ok' : r.severity === 'warn' ? 'warn' : 'fail',
      sampleColumns,
      sampleRows: (r.sample ?? []).map((row) => sampleColumns.map((c) => show(row[c]))),
    };
  });
  writeAtomic(
    path.join(dir, rel),
    validationPage({
      ...v,
      results,
      run,
      total: v.results.length,
      oneQuery: v.queries === 1,
      startedAt: v.startedAt.toISOString(),
      ms: Math.round(v.ms),
      indexHref: '../../index.html',
    }),
  );
  return rel;
}

export async function writeIndexPage(dir: string, q: Queryable): Promise<string> {
  const latest = await latestValidations(q);
  const file = path.join(dir, 'index.html');
  writeAtomic(
    file,
    indexPage({
      updatedAt: new Date().toISOString(),
      suites: latest.map((l) => ({
        suite: l.suite,
        table: l.table_name,
        errors: l.errors,
        warnings: l.warnings,
        expectations: l.expectations,
        href: l.docs_path ?? undefined,
        validatedAt: new Date(l.created_at).toISOString(),
        verdict: l.success ? (l.warnings ? 'passed with warnings' : 'passed') : 'failed',
        cssClass: l.success ? (l.warnings ? 'warn' : 'ok') : 'fail',
      })),
    }),
  );
  return file;
}
