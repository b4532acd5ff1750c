import Handlebars from 'handlebars';
import { BUILTIN_HELPERS } from '../../src/models/template/builtin-helpers';
import { renderTemplate, TemplateError } from '../../src/models/template/runtime';

const PARTIALS: Record<string, string> = {
  col: '{{name}} AS {{alias}}',
  lines: 'a,\nb\n',
  ctx: '[{{x}}]',
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

  test('a simple {{path}} that does not resolve is an error at its position; helper params are lenient', () => {
    expect(ours('{{#if missing}}x{{/if}}{{lookup obj "nope"}}.')).toBe('.');
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

  test('only own properties are visible', () => {
    expect(() => ours('{{s.constructor}}')).toThrow(/"s.constructor" is not defined/);
    expect(ours('{{lookup obj "toString"}}|{{#if obj.__proto__}}x{{/if}}')).toBe('|');
  });
});
