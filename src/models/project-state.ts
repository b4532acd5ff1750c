/**
 * What a loaded project keeps besides the contract's `ModelProject`: parsed templates (each parsed
 * once), sources, macros and the helpers. It hangs off the project object in a WeakMap, so
 * `ModelProject` stays the plain data the run side shares.
 */
import type { JsonObject } from '../dag/types';
import type { Issue } from '../errors/errors';
import type { ModelNode, ModelProject, SeedNode } from './types';
import type { SourceCatalog } from './sources';
import type { Program, TemplateOrigin } from './template/parse';
import type { Helper, TemplateRuntime } from './template/runtime';
import { createHelpers, createPrinter, createReporter } from './template/helpers';
import type { PrintedValue } from './template/value-check';

export interface TemplateUnit {
  readonly origin: TemplateOrigin;
  readonly ast: Program;
}

/** The model being rendered, read by helpers (rendering is synchronous, one model at a time). */
export interface RenderScope {
  readonly model: ModelNode;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly issues: Issue[];
  /** Ephemeral models the template actually referenced, in first-use order. */
  readonly ephemerals: string[];
  /** Values printed so far (their markers hold the index), for value-check.ts. */
  readonly values: PrintedValue[];
}

export interface ProjectState {
  readonly nodes: ReadonlyMap<string, ModelNode>;
  readonly seeds: ReadonlyMap<string, SeedNode>;
  readonly sources: SourceCatalog;
  /** Model name → its template; partial name → macro template. */
  readonly templates: ReadonlyMap<string, TemplateUnit>;
  readonly macros: ReadonlyMap<string, TemplateUnit>;
  /** Line-marker file index → project-relative path. */
  readonly files: readonly string[];
  /** sluice_project.yml's vars; a run's vars override them key by key. */
  readonly vars: Readonly<JsonObject>;
  readonly origins: ReadonlyMap<string, TemplateOrigin>;
  readonly runtime: TemplateRuntime;
  scope: RenderScope | undefined;
}

const STATES = new WeakMap<ModelProject, ProjectState>();

export function attachState(project: ModelProject, state: ProjectState): void {
  STATES.set(project, state);
}

export function attachedState(project: ModelProject): ProjectState | undefined {
  return STATES.get(project);
}

export function createState(parts: Omit<ProjectState, 'origins' | 'runtime' | 'scope'>): ProjectState {
  const origins = new Map<string, TemplateOrigin>();
  for (const u of [...parts.templates.values(), ...parts.macros.values()]) origins.set(u.origin.source, u.origin);
  const partials = new Map([...parts.macros].map(([name, unit]) => [name, unit.ast]));
  const helpers: Record<string, Helper> = {};
  const hooks: { print?: TemplateRuntime['print']; report?: TemplateRuntime['report'] } = {};
  const runtime: TemplateRuntime = {
    helpers,
    partials,
    print: (...args) => hooks.print!(...args),
    report: (e) => hooks.report!(e),
    // A model's vars are a fixed set: `{{#if vars.typo}}` is a mistake even inside a macro.
    closed: (value) => value === state.scope?.vars,
  };
  const state: ProjectState = { ...parts, origins, runtime, scope: undefined };
  Object.assign(helpers, createHelpers(state));
  hooks.print = createPrinter(state);
  hooks.report = createReporter(state);
  return state;
}
