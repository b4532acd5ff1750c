import { resolveConfig } from '../../src/config/config';
import { operatorConfig, setOperatorConfig } from '../../src/dag/operator-config';

test('operators get the configuration resolved from the environment, until a worker sets the one its job carries, frozen', () => {
  expect(operatorConfig()).toEqual(resolveConfig());
  expect(operatorConfig()).toBe(operatorConfig()); // resolved once
  // What a worker child receives is a plain copy (the structured clone does not keep it frozen).
  const sent = structuredClone(resolveConfig({ SLUICE_DATA_DOCS_DIR: '/elsewhere/docs' }, '/project'));
  setOperatorConfig(sent);
  expect(operatorConfig().dataDocsDir).toBe('/elsewhere/docs');
  expect(operatorConfig().projectRoot).toBe('/project');
  expect(Object.isFrozen(operatorConfig()) && Object.isFrozen(operatorConfig().executor)).toBe(true);
});
