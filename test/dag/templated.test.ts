import { renderMacros, templateProblems, type MacroContext } from '../../src/dag/templated';

const ctx: MacroContext = {
  ds: '2026-03-01',
  dataIntervalStart: new Date('2026-03-01T00:00:00Z'),
  dataIntervalEnd: new Date('2026-03-02T00:00:00Z'),
  dagId: 'shop',
  runId: 'scheduled__2026-03-01',
  taskId: 'land',
  params: { region: 'eu', limit: 5, nested: { a: 'x' }, vars: { prefix: 'run' } },
};
const project = { field: 'path', vars: () => ({ prefix: 'proj', bucket: 'b1' }) };

describe('templated settings', () => {
  test('macros, params, vars (run conf vars over the project file) and var with a default', () => {
    expect(renderMacros('{{ds}}/{{ ds_nodash }}/{{dag_id}}/{{run_id}}', ctx)).toBe(
      '2026-03-01/20260301/shop/scheduled__2026-03-01',
    );
    expect(renderMacros('{{params.region}}-{{params.limit}}-{{params.nested.a}}', ctx)).toBe('eu-5-x');
    expect(renderMacros('{{vars.prefix}}/{{vars.bucket}}/{{var "bucket"}}/{{var "none" "d"}}', ctx, project)).toBe(
      'run/b1/b1/d',
    );
  });

  test('an unknown name is an error naming the task and the setting, never passed through', () => {
    expect(() => renderMacros('in/{{params.regoin}}.csv', ctx, project)).toThrow(
      'task land, path: {{params.regoin}} in "in/{{params.regoin}}.csv": params has no "regoin" (did you mean "region"?)',
    );
    expect(() => renderMacros('{{vars.nope}}', ctx, project)).toThrow(
      'task land, path: {{vars.nope}} in "{{vars.nope}}": vars has no "nope"',
    );
    expect(() => renderMacros('{{dss}}', ctx, project)).toThrow(
      /^task land, path: \{\{dss\}\} in "\{\{dss\}\}": unknown name \(did you mean "ds"\?\) \(known: ds, ds_nodash, /,
    );
    expect(() => renderMacros('{{params.nested}}', ctx, project)).toThrow('it is an object, not text');
    expect(() => renderMacros('{{ref "x"}}', ctx, project)).toThrow('not a name this setting can use');
    const { params: _params, ...noParams } = ctx;
    expect(() => renderMacros('{{params.region}}', noParams)).toThrow('params are not available here');
  });

  test('misspelt names are found when the DAG is defined; params and vars wait for the run', () => {
    expect(templateProblems('{{ds}}/{{params.any}}/{{vars.any}}/{{var "x"}}', 'key')).toEqual([]);
    expect(templateProblems('{{ds_no_dash}}/{{params}}', 'key')).toEqual([
      expect.stringMatching(/^key: \{\{ds_no_dash\}\} in ".*" is not a name it can use \(did you mean "ds_nodash"\?\)/),
      expect.stringMatching(/^key: \{\{params\}\} in ".*" is not a name it can use/),
    ]);
    expect(templateProblems((c: unknown) => c, 'key')).toEqual([]);
  });
});
