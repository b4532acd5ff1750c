import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * docs/operators.md against the option types of `sluice/operators`, both ways: every option a type
 * declares is a table row of its section, and every row names an option the type has. The types
 * are read with the TypeScript compiler, so a new option cannot ship undocumented and a removed
 * one cannot linger in the docs.
 */

const REPO = path.resolve(__dirname, '../..');
const DOC = 'docs/operators.md';

/** Each exported option type → the `##` section of docs/operators.md that documents its own options. */
const SECTION_OF_TYPE: Readonly<Record<string, string>> = {
  BashOperatorSpec: 'bashOperator',
  FilesToLakeSpec: 'filesToLake',
  HttpToLakeSpec: 'httpToLake',
  PostgresToLakeSpec: 'postgresToLake',
  LoadToRawSpec: 'loadToRaw',
  WaitForObjectsSpec: 'waitForObjects',
  SqlModelsSpec: 'sqlModels',
  CheckpointSpec: 'checkpoint',
  SeedsSpec: 'seeds',
  LandTarget: 'Landing target',
  EnvSecret: 'Secrets',
};

/** Options inherited from these interfaces are documented once, in a shared section, not per operator. */
const SHARED_SECTION: Readonly<Record<string, string>> = {
  TaskSpec: 'Task options',
  TaskOptions: 'Task options',
  LandTarget: 'Landing target',
};

const COLUMN_SPECS = 'Column specs';
const COLUMN_TYPES = 'Column types';
const PAGINATION = 'HTTP pagination';
const RETRIES = 'HTTP retries';

interface Api {
  readonly checker: ts.TypeChecker;
  /** Exported types by name. */
  readonly types: ReadonlyMap<string, ts.Type>;
  /** Exported functions (the operators and readSecret). */
  readonly functions: readonly string[];
  /** Type errors in the examples of the operator sections, as `docs/operators.md:<line>: <message>`. */
  readonly exampleErrors: readonly string[];
}

interface Section {
  /** Body rows of its tables, as cells. */
  readonly rows: string[][];
  /** Its ```ts blocks, with the line of their first line of code. */
  readonly examples: Array<{ readonly line: number; readonly code: string }>;
}

/** docs/operators.md's `##` sections by heading (backticks dropped). */
function docSections(): Map<string, Section> {
  const sections = new Map<string, Section>();
  let section: Section | undefined;
  let block: { line: number; ts: boolean; lines: string[] } | undefined;
  const lines = readFileSync(path.join(REPO, DOC), 'utf8').split('\n');
  const separator = (line = '') => /^\|[\s:|-]+\|$/.test(line);
  lines.forEach((line, i) => {
    if (block) {
      if (!line.startsWith('```')) block.lines.push(line);
      else {
        if (block.ts) section?.examples.push({ line: block.line, code: block.lines.join('\n') });
        block = undefined;
      }
      return;
    }
    if (line.startsWith('```')) {
      block = { line: i + 2, ts: line === '```ts', lines: [] };
      return;
    }
    const heading = /^## (.+)$/.exec(line);
    if (heading) sections.set(heading[1].replace(/`/g, '').trim(), (section = { rows: [], examples: [] }));
    // A body row: neither the header (the line before the `| --- |` separator) nor the separator.
    else if (section && line.startsWith('|') && !separator(line) && !separator(lines[i + 1]))
      section.rows.push(
        line
          .slice(1, line.endsWith('|') ? -1 : undefined)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
  });
  return sections;
}

const EXAMPLES_FILE = path.join(REPO, 'test/docs/operator-examples.generated.ts');

/**
 * The examples of the operator sections (those headed by a function name) as one module, each in
 * an array of tasks, as in a DAG's `tasks` (they are written as its entries), with the names they
 * use but do not define imported or declared. Returns the text and, per line of it, the line of
 * docs/operators.md it came from.
 */
function examplesModule(sections: Map<string, Section>) {
  const operators = [...sections.keys()].filter((s) => /^[a-z]\w*$/.test(s));
  const text = [
    `import { task, type ColumnSpec } from 'sluice';`,
    `import { ${operators.join(', ')} } from 'sluice/operators';`,
    `declare const ORDER_COLUMNS: ColumnSpec[];`,
  ];
  const origin: number[] = text.map(() => 0);
  operators.forEach((op) =>
    sections.get(op)?.examples.forEach((e, n) => {
      text.push(`export const ${op}_${n} = [`);
      origin.push(e.line - 1);
      e.code.split('\n').forEach((l, k) => {
        text.push(/^import /.test(l) ? '' : l); // the module imports them all above
        origin.push(e.line + k);
      });
      text.push('];');
      origin.push(e.line + e.code.split('\n').length);
    }),
  );
  return { text: text.join('\n'), origin };
}

function loadApi(sections: Map<string, Section>): Api {
  const { config } = ts.readConfigFile(path.join(REPO, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, REPO);
  const entry = path.join(REPO, 'operators/index.ts');
  const examples = examplesModule(sections);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === EXAMPLES_FILE
      ? ts.createSourceFile(file, examples.text, language)
      : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([entry, EXAMPLES_FILE], options, host);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const types = new Map<string, ts.Type>();
  const functions: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (target.flags & ts.SymbolFlags.Function) functions.push(exported.name);
    else if (target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))
      types.set(exported.name, checker.getDeclaredTypeOfSymbol(target));
  }
  const file = program.getSourceFile(EXAMPLES_FILE)!;
  const exampleErrors = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line;
    return `${DOC}:${examples.origin[line]}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
  return { checker, types, functions, exampleErrors };
}

/** The interface a property is declared in (through `Pick`/`Omit` too, which keep the declaration). */
function declaringInterface(prop: ts.Symbol): string | undefined {
  const parent = prop.declarations?.[0]?.parent;
  return parent && ts.isInterfaceDeclaration(parent) ? parent.name.text : undefined;
}

function propertyType(api: Api, type: ts.Type, name: string): ts.Type {
  const prop = type.getProperty(name);
  if (!prop) throw new Error(`the type has no property ${name}`);
  return api.checker.getNonNullableType(api.checker.getTypeOfSymbol(prop));
}

function literalValue(type: ts.Type): string {
  if (!type.isStringLiteral()) throw new Error(`expected a string literal type`);
  return type.value;
}

/** `name` from a cell that is exactly one code span, else undefined. */
function code(cell: string | undefined): string | undefined {
  return /^`([^`]+)`$/.exec(cell ?? '')?.[1];
}

/** The first-column names of a section's rows. */
function documented(sections: Map<string, Section>, section: string): Set<string> {
  return new Set(
    (sections.get(section)?.rows ?? []).map((r) => code(r[0])).filter((n): n is string => n !== undefined),
  );
}

/** Problems both ways between what the types declare and what a section's table rows list. */
function compare(section: string, expected: Map<string, string>, listed: Set<string>, what: string): string[] {
  const problems: string[] = [];
  for (const [name, owner] of expected)
    if (!listed.has(name)) problems.push(`${owner}: ${what} \`${name}\` is not documented in the "${section}" section`);
  for (const name of listed)
    if (!expected.has(name))
      problems.push(`"${section}" section lists ${what} \`${name}\`, which the types do not have`);
  return problems;
}

const sections = docSections();
const api = loadApi(sections);

test('every exported option type is mapped to a section of docs/operators.md, and every operator has one', () => {
  const problems: string[] = [];
  for (const name of api.types.keys())
    if (!SECTION_OF_TYPE[name]) problems.push(`${name} is exported but has no section mapping in this test`);
  for (const name of Object.keys(SECTION_OF_TYPE))
    if (!api.types.has(name)) problems.push(`${name} is mapped here but no longer exported`);
  const needed = new Set([
    ...api.functions,
    ...Object.values(SECTION_OF_TYPE),
    ...Object.values(SHARED_SECTION),
    COLUMN_SPECS,
    COLUMN_TYPES,
    PAGINATION,
    RETRIES,
    'Templated fields',
  ]);
  for (const s of needed) if (!sections.has(s)) problems.push(`${DOC} has no "## ${s}" section`);
  expect(problems).toEqual([]);
});

test("each operator's own options are the rows of its section, and the shared ones of theirs", () => {
  // section → option → the type declaring it (for the message)
  const expected = new Map<string, Map<string, string>>(
    [...Object.values(SECTION_OF_TYPE), ...Object.values(SHARED_SECTION)].map((s) => [s, new Map()]),
  );
  for (const [typeName, type] of api.types) {
    const own = SECTION_OF_TYPE[typeName];
    if (!own) continue;
    for (const prop of type.getProperties()) {
      const from = declaringInterface(prop);
      const section = (from && SHARED_SECTION[from]) || own;
      const options = expected.get(section)!;
      if (!options.has(prop.name)) options.set(prop.name, `${own} (${typeName})`);
    }
  }
  const problems = [...expected].flatMap(([section, options]) =>
    compare(section, options, documented(sections, section), 'option'),
  );
  expect(problems).toEqual([]);
});

test('ColumnSpec fields and every ColumnType have their rows', () => {
  const land = api.types.get('LandTarget')!;
  const columnSpec = api.checker.getIndexTypeOfType(propertyType(api, land, 'columns'), ts.IndexKind.Number)!;
  const fields = new Map(columnSpec.getProperties().map((p) => [p.name, 'ColumnSpec']));
  const types = propertyType(api, columnSpec, 'type');
  const values = new Map((types.isUnion() ? types.types : [types]).map((t) => [literalValue(t), 'ColumnType']));
  expect([
    ...compare(COLUMN_SPECS, fields, documented(sections, COLUMN_SPECS), 'field'),
    ...compare(COLUMN_TYPES, values, documented(sections, COLUMN_TYPES), 'type'),
  ]).toEqual([]);
});

test('every pagination mode and its options, and the retry policy fields, have their rows', () => {
  const http = api.types.get('HttpToLakeSpec')!;
  const pagination = propertyType(api, http, 'pagination');
  const expected = new Map<string, string>();
  for (const member of pagination.isUnion() ? pagination.types : [pagination]) {
    const mode = literalValue(propertyType(api, member, 'mode'));
    expected.set(mode, 'Pagination');
    for (const p of member.getProperties())
      if (p.name !== 'mode') expected.set(`${mode}.${p.name}`, `Pagination (mode ${mode})`);
  }
  // Rows are `| mode | option | … |`; a mode without options has a row with no option.
  const listed = new Set<string>();
  for (const row of sections.get(PAGINATION)?.rows ?? []) {
    const mode = code(row[0]);
    if (mode === undefined) continue;
    listed.add(mode);
    const option = code(row[1]);
    if (option !== undefined) listed.add(`${mode}.${option}`);
  }
  const retry = propertyType(api, http, 'retry');
  const fields = new Map(retry.getProperties().map((p) => [p.name, 'httpToLake retry']));
  expect([
    ...compare(PAGINATION, expected, listed, 'mode or option'),
    ...compare(RETRIES, fields, documented(sections, RETRIES), 'field'),
  ]).toEqual([]);
});

test('every operator section has an example, and its examples type-check against the operators', () => {
  const missing = api.functions.filter((op) => !sections.get(op)?.examples.length);
  expect([...missing.map((op) => `the "${op}" section has no \`\`\`ts example`), ...api.exampleErrors]).toEqual([]);
});
