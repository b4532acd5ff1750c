import Handlebars from 'handlebars';
import { BUILTIN_HELPERS } from '../../src/models/template/builtin-helpers';
import { renderTemplate, TemplateError } from '../../src/models/template/runtime';

const PARTIALS: Record<string, string> = {
  col: '{{name}} AS {{alias}}',
  lines: 'a,\nb\n',
  ctx: '[{{x}}]',
  optional: '{{#if a}}{{a}}{{/if}}',
};

const CONTEXT = {
  x: 1,
  s: 'text',
  zero: 0,
  no: false,
  nil: null,
  empty: [],
  list: ['a', 'b', 'c'],
  obj: { k1: 'v1', k2: 'v2' },
  rows: [
    { name: 'n1', kids: [1, 2] },
    { name: 'n2', kids: [] },
  ],
  nested: { deep: { value: 'd' } },
  point: { x: 'p' },
};

/** Handlebars itself (noEscape) is the reference for everything models can use. */
function reference(template: string): string {
  const hb = Handlebars.create();
  for (const [name, text] of Object.entries(PARTIALS)) hb.registerPartial(name, text);
  return hb.compile(template, { noEscape: true })(CONTEXT);
}

function ours(template: string): string {
  const partials = new Map(Object.entries(PARTIALS).map(([n, t]) => [n, Handlebars.parse(t)]));
  return renderTemplate({ helpers: BUILTIN_HELPERS, partials }, Handlebars.parse(template), CONTEXT);
}

/** Every mistake as `line:column message`, once (in a loop the runtime reports one per item). */
function errorsOf(template: string): string[] {
  const errors: TemplateError[] = [];
  const partials = new Map(Object.entries(PARTIALS).map(([n, t]) => [n, Handlebars.parse(t)]));
  const rt = { helpers: BUILTIN_HELPERS, partials, report: (e: TemplateError) => errors.push(e) };
  renderTemplate(rt, Handlebars.parse(template), CONTEXT);
  return [...new Set(errors.map((e) => `${e.loc.start.line}:${e.loc.start.column + 1} ${e.message}`))];
}

const CASES = [
  'plain < & > "text"',
  '{{x}} {{s}} {{{s}}} {{&s}} {{nested.deep.value}} {{this.x}} {{./s}} {{zero}} {{no}} {{nil}}',
  '{{#each list}}{{@index}}:{{this}}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}} {{/each}}',
  '{{#each obj}}{{@key}}={{this}};{{/each}}',
  '{{#each empty}}x{{else}}empty{{/each}}|{{#each nil}}x{{else}}none{{/each}}',
  '{{#each rows as |row i|}}{{i}}{{row.name}}[{{#each row.kids as |k|}}{{k}}{{../name}}{{/each}}]{{/each}}',
  // (Separators: Handlebars adds two adjacent numbers, {{this}}{{../../x}} printing 1 + 1 = 2.)
  '{{#each rows}}{{name}}:{{../s}}:{{@root.x}}:{{#each kids}}<{{this}}|{{../../x}}>{{/each}};{{/each}}',
  '{{#if x}}yes{{else}}no{{/if}} {{#if zero}}z{{else if no}}n{{else if s}}s{{else}}-{{/if}} {{#if zero includeZero=true}}zero{{/if}}',
  '{{#unless no}}u{{else}}-{{/unless}}{{#unless x}}-{{else}}v{{/unless}}',
  '{{#with nested.deep}}{{value}}{{/with}}{{#with nil}}x{{else}}w{{/with}}{{#with obj as |o|}}{{o.k1}}{{/with}}',
  '{{lookup list 1}} {{lookup obj "k2"}} {{#with (lookup rows 0)}}{{name}}{{/with}}',
  '{{#no}}x{{else}}inverted{{/no}}{{#x}}truthy{{/x}}{{#list}}{{this}}{{/list}}{{#nested}}{{deep.value}}{{/nested}}{{^empty}}none{{/empty}}',
  'select\n  {{> col name="a" alias="b"}},\n  {{> col name=s alias="c"}}\nfrom t',
  'x\n    {{> lines}}\ny {{> lines}} z',
  '{{> ctx point}} {{> ctx obj x="over"}}',
  'a {{~ s ~}}   b\n{{!-- comment --}}\n  {{#if x~}}\n    inner\n  {{~/if}}\nend',
  '{{#each list}}\n  {{this}},\n{{/each}}\ndone\n',
  '  {{#if x}}\n  kept\n  {{/if}}\n',
];

describe('template runtime', () => {
  test.each(CASES)('renders like Handlebars: %s', (template) => {
    expect(ours(template)).toBe(reference(template));
  });

  test('a simple {{path}} that does not resolve is an error at its position', () => {
    let err: unknown;
    try {
      ours('ok\n  {{nested.deep.valu}}');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toBe(
      '"nested.deep.valu" is not defined: nested.deep has no "valu" (did you mean "value"?)',
    );
    expect((err as TemplateError).loc.start).toEqual({ line: 2, column: 4 });
  });

  test('a path that names nothing is an error as an argument too: of each, if, unless, with, a section, a helper', () => {
    expect(errorsOf('{{#each lst}}x{{/each}}\n{{#if nested.deep.valu}}x{{else}}y{{/if}}')).toEqual([
      '1:9 "lst" is not defined: the template context has no "lst" (did you mean "list"?)',
      '2:7 "nested.deep.valu" is not defined: nested.deep has no "valu" (did you mean "value"?)',
    ]);
    expect(
      errorsOf(
        '{{#unless nope}}x{{/unless}}{{#with obj.k3}}x{{/with}}{{#nil.x}}x{{/nil.x}}{{lookup (lookup lst 0) 1}}',
      ),
    ).toEqual([
      '1:11 "nope" is not defined: the template context has no "nope"',
      '1:37 "obj.k3" is not defined: obj has no "k3" (did you mean "k1"?)',
      '1:58 "nil.x" is not defined: nil has no "x"',
      '1:93 "lst" is not defined: the template context has no "lst" (did you mean "list"?)',
    ]);
    // A key on a value that is no object is a mistake wherever the value came from; `../` to the root is the root.
    expect(errorsOf('{{#each list as |v|}}{{#if v.x}}{{/if}}{{#if ../nope}}{{/if}}{{/each}}')).toEqual([
      '1:28 "v.x" is not defined: v has no "x"',
      '1:46 "../nope" is not defined: the template context has no "nope"',
    ]);
    expect(errorsOf('{{#if @root.nested.deep.valu}}{{/if}}{{#if @root.lst}}{{/if}}')).toEqual([
      '1:7 "@root.nested.deep.valu" is not defined: @root.nested.deep has no "valu" (did you mean "value"?)',
      '1:44 "@root.lst" is not defined: @root has no "lst" (did you mean "list"?)',
    ]);
    // Inside a block, a plain name is looked for in every enclosing context and block param.
    expect(errorsOf('{{#each list as |item|}}{{#if iten}}{{/if}}{{/each}}')).toEqual([
      '1:31 "iten" is not defined: the template context has no "iten" (did you mean "item"?)',
    ]);
  });

  test('what may be absent as an argument: keys of items and with contexts, @data, lookup, a macro argument', () => {
    expect(
      ours(
        '{{#each rows as |r|}}{{#if r.kids.[0]}}{{r.name}}{{/if}}{{#if r.opt}}-{{/if}}{{#if opt}}-{{/if}}{{#each kids}}{{#if ../opt}}-{{/if}}{{/each}}{{/each}}' +
          '{{#with point}}{{#if y}}-{{/if}}{{/with}}{{#if @nope}}-{{/if}}{{lookup obj "nope"}}{{> optional}}{{> optional a="A"}}.',
      ),
    ).toBe('n1A.');
  });

  test('with a report hook every statement with a mistake is reported and rendering goes on', () => {
    const errors: TemplateError[] = [];
    const partials = new Map<string, hbs.AST.Program>();
    const rt = { helpers: BUILTIN_HELPERS, partials, report: (e: TemplateError) => errors.push(e) };
    expect(renderTemplate(rt, Handlebars.parse('a{{#if nope}}x{{/if}}b{{typo}}c'), CONTEXT)).toBe('abc');
    expect(errors.map((e) => `${e.loc.start.line}:${e.loc.start.column + 1} ${e.message}`)).toEqual([
      '1:8 "nope" is not defined: the template context has no "nope"',
      '1:25 "typo" is not defined: the template context has no "typo"',
    ]);
  });

  test('only own properties are visible', () => {
    expect(() => ours('{{s.constructor}}')).toThrow(/"s.constructor" is not defined/);
    expect(() => ours('{{#if obj.__proto__}}x{{/if}}')).toThrow(/"obj.__proto__" is not defined/);
    expect(ours('{{lookup obj "toString"}}|{{#with obj}}{{#if __proto__}}x{{/if}}{{/with}}')).toBe('|');
  });
});
