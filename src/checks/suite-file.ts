/**
 * Reading a suite file: JSON with positions, the envelope and every expectation's kwargs checked
 * against their JSON Schemas (ajv), then the checks schemas cannot express. Every problem is
 * collected, with its JSON pointer and file:line:column.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { SluiceError, ValidationError, type Issue } from '../errors/errors';
import { didYouMean, SUITE_HINTS } from '../util/did-you-mean';
import { escapePointer, JsonSyntaxError, parseJsonWithPositions, type ParsedJson } from './json-positions';
import { expectationType, expectationTypeNames } from './registry';
import { GX_ONLY_KWARGS, SUITE_SCHEMA } from './suite-schema';
import { checkNoSemicolon } from './types/kwargs';
import type { ExpectationConfig, Suite } from './types';

export interface SuiteIssue extends Issue {
  /** JSON pointer into the suite file ('' for the whole file). */
  readonly pointer: string;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateEnvelope = ajv.compile(SUITE_SCHEMA);
const kwargValidators = new Map<string, ValidateFunction>();

function kwargsValidator(type: string): ValidateFunction {
  let v = kwargValidators.get(type);
  if (!v) {
    v = ajv.compile(expectationType(type)!.kwargs);
    kwargValidators.set(type, v);
  }
  return v;
}

/** Positions in the suite files last loaded, so problems found when running still point into the file. */
const positions = new Map<string, ParsedJson>();

/** An issue at a pointer of a suite, with the line and column when the suite came from a file. */
export function suiteIssue(
  suite: Pick<Suite, 'file'>,
  pointer: string,
  message: string,
  preferKey = false,
): SuiteIssue {
  const at = positions.get(suite.file)?.locate(pointer, preferKey);
  return {
    file: suite.file,
    line: at?.line,
    column: at?.column,
    pointer,
    message: pointer ? `${pointer}: ${message}` : message,
  };
}

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode };

/** The sub-schema an instance path lands in (through properties and items, the only nesting our schemas use). */
function schemaAt(schema: SchemaNode, instancePath: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const seg of instancePath.split('/').slice(1)) {
    node =
      /^\d+$/.test(seg) && node?.items ? node.items : node?.properties?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** An ajv error as a sentence; `what` names the members ("property", "kwarg"), `owner` the expectation type. */
function ajvMessage(
  e: ErrorObject,
  schema: SchemaNode,
  what: string,
  owner?: string,
): { pointer: string; message: string; key?: boolean } {
  if (e.keyword === 'additionalProperties') {
    const prop = String(e.params.additionalProperty);
    const known = Object.keys(schemaAt(schema, e.instancePath)?.properties ?? {});
    const instead = owner && !e.instancePath ? GX_ONLY_KWARGS[prop] : undefined;
    const of = owner ? ` for ${owner}` : '';
    const message = instead
      ? `${what} "${prop}" is not supported${of}: ${instead}`
      : `unknown ${what} "${prop}"${of}${didYouMean(prop, known, SUITE_HINTS)}; expected ${known.map((k) => `"${k}"`).join(', ') || 'none'}`;
    return { pointer: `${e.instancePath}/${escapePointer(prop)}`, message, key: true };
  }
  if (e.keyword === 'required')
    return {
      pointer: e.instancePath,
      message: `missing required ${what} "${e.params.missingProperty}"${owner ? ` for ${owner}` : ''}`,
    };
  if (e.keyword === 'enum') {
    const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
    return { pointer: e.instancePath, message: `must be one of ${allowed.join(', ')}` };
  }
  if (e.keyword === 'type')
    return { pointer: e.instancePath, message: `must be ${[e.params.type].flat().join(' or ')}` };
  if (e.keyword === 'pattern' && e.instancePath === '/table')
    return { pointer: e.instancePath, message: 'must be "schema.table" or a model name' };
  return { pointer: e.instancePath, message: e.message ?? e.keyword };
}

type Locate = (pointer: string, preferKey?: boolean) => { line: number; column: number } | undefined;

/** Every problem of a suite as JSON (a file's content, or a Suite object without its `file`). */
function problemsOf(raw: Record<string, unknown>, file: string, locate: Locate): SuiteIssue[] {
  const issues: SuiteIssue[] = [];
  const add = (pointer: string, message: string, key = false) => {
    const at = locate(pointer, key);
    issues.push({
      file,
      line: at?.line,
      column: at?.column,
      pointer,
      message: pointer ? `${pointer}: ${message}` : message,
    });
  };
  if (!validateEnvelope(raw)) {
    for (const e of validateEnvelope.errors ?? []) {
      const m = ajvMessage(e, SUITE_SCHEMA as SchemaNode, 'property');
      add(m.pointer, m.message, m.key);
    }
  }
  for (const p of checkNoSemicolon(raw?.where, 'where')) add('/where', p.message);
  const list = Array.isArray(raw?.expectations) ? (raw.expectations as Array<Record<string, unknown>>) : [];
  list.forEach((x, i) => {
    if (typeof x?.type !== 'string') return;
    const at = `/expectations/${i}`;
    const type = expectationType(x.type);
    if (!type) {
      add(
        `${at}/type`,
        `unknown expectation type "${x.type}"${didYouMean(x.type, expectationTypeNames(), SUITE_HINTS)}`,
      );
      return;
    }
    const kwargs = (x.kwargs ?? {}) as Record<string, unknown>;
    if (typeof kwargs !== 'object' || Array.isArray(kwargs)) return; // reported by the envelope schema
    const v = kwargsValidator(x.type);
    if (!v(kwargs)) {
      for (const e of v.errors ?? []) {
        const m = ajvMessage(e, type.kwargs as SchemaNode, 'kwarg', x.type);
        add(`${at}/kwargs${m.pointer}`, m.message, m.key);
      }
      return;
    }
    for (const p of type.check?.(kwargs) ?? []) add(`${at}/kwargs/${p.path}`, p.message);
  });
  return issues;
}

/** Checks a suite file's text; the suite when it has no problem. */
export function parseSuiteText(text: string, file: string): { suite?: Suite; issues: SuiteIssue[] } {
  let parsed: ParsedJson;
  try {
    parsed = parseJsonWithPositions(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { issues: [{ file, ...e.position, pointer: '', message: `not valid JSON: ${e.message}` }] };
  }
  const raw = parsed.value as Record<string, unknown>;
  const issues = problemsOf(raw, file, parsed.locate);
  if (issues.length) return { issues };
  const list = raw.expectations as Array<Record<string, unknown>>;
  const suite: Suite = {
    name: raw.name as string,
    table: raw.table as string,
    ...(raw.where !== undefined ? { where: raw.where as string } : {}),
    expectations: list.map((x): ExpectationConfig => ({
      type: x.type as string,
      kwargs: (x.kwargs ?? {}) as Record<string, unknown>,
      severity: (x.severity as ExpectationConfig['severity']) ?? 'error',
      ...(x.meta ? { meta: x.meta as Record<string, unknown> } : {}),
    })),
    file: path.resolve(file),
  };
  positions.set(suite.file, parsed);
  return { suite, issues };
}

/** The problems of a Suite built in code (or loaded, then changed: a rendered where, a resolved table). */
export function checkSuite(suite: Suite): SuiteIssue[] {
  const { file, ...raw } = suite;
  const locate: Locate = (pointer, key) => positions.get(file)?.locate(pointer, key);
  return problemsOf(JSON.parse(JSON.stringify(raw)) as Record<string, unknown>, file, locate);
}

/** The suites in a folder (`<name>.json`), sorted; none when the folder does not exist. */
export function suiteNames(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort()
    : [];
}

/** A suite name with no file in the folder, with the closest name and the ones there are. */
export function noSuite(dir: string, name: string): string {
  const known = suiteNames(dir);
  return (
    `no expectation suite "${name}" in ${dir}${didYouMean(name, known, SUITE_HINTS)}` +
    (known.length ? ` (suites: ${known.join(', ')})` : '')
  );
}

/** A suite from its file; every problem in it at once otherwise. */
export function loadSuite(file: string): Suite {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new SluiceError('CHECK_INVALID', noSuite(path.dirname(abs), path.basename(abs, '.json')));
  const { suite, issues } = parseSuiteText(readFileSync(abs, 'utf8'), abs);
  if (!suite) throw new ValidationError('CHECK_INVALID', `expectation suite ${abs}`, issues);
  return suite;
}
