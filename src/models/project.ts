/**
 * Loading a model project: every file read and parsed once, dependencies taken from the templates'
 * ASTs, and every problem (syntax, config, refs, sources, macros, cycles, duplicate names) reported
 * together in one ValidationError('MODEL_INVALID').
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError, type Issue } from '../errors/errors';
import type { ModelNode, ModelProject, RefUse, SourceUse } from './types';
import { parseConfigBlock } from './config-block';
import { loadSources } from './sources';
import { findProjectFiles, type MacroFile } from './project-files';
import { folderDefaults, loadProjectFile } from './project-file';
import { seedCatalog } from './seeds/seed-files';
import {
  checkPartials,
  checkRefs,
  checkSources,
  cycleIssues,
  duplicateNames,
  seedNameClashes,
  upstreamMap,
} from './project-checks';
import { parseTemplate } from './template/parse';
import { scanTemplate, type TemplateScan } from './template/scan';
import { insertLineMarkers } from './template/line-markers';
import { targetIssues } from './targets';
import { normalizeNewlines } from '../util/text-position';
import { attachState, attachedState, createState, type ProjectState, type TemplateUnit } from './project-state';

interface Prepared {
  readonly unit?: TemplateUnit;
  readonly scan: TemplateScan;
}

/** Parses, scans and annotates one template; `files` collects line-marker file indexes. */
function prepare(text: string, source: string, lineOffset: number, isModel: boolean, files: string[]): Prepared {
  const origin = { source, lineOffset };
  const parsed = parseTemplate(text, origin);
  if ('issue' in parsed) return { scan: { refs: [], sources: [], partials: [], issues: [parsed.issue] } };
  const scan = scanTemplate(parsed.ast, origin, isModel);
  insertLineMarkers(parsed.ast, files.push(source) - 1, lineOffset);
  return { unit: { origin, ast: parsed.ast }, scan };
}

function loadMacros(macroFiles: readonly MacroFile[], files: string[]): Map<string, Prepared> {
  // Trailing blank lines go, so that `{{> m}}` inside a line does not break it (see line-markers).
  const text = (m: MacroFile) => normalizeNewlines(readFileSync(m.file, 'utf8')).replace(/\s+$/, '');
  return new Map(macroFiles.map((m) => [m.name, prepare(text(m), m.path, 1, false, files)]));
}

/** Partials a template uses, directly or through other macros. */
function macrosUsed(scan: TemplateScan, macros: ReadonlyMap<string, Prepared>): Set<string> {
  const used = new Set<string>();
  const visit = (s: TemplateScan) => {
    for (const p of s.partials) {
      if (used.has(p.name) || !macros.has(p.name)) continue;
      used.add(p.name);
      visit(macros.get(p.name)!.scan);
    }
  };
  visit(scan);
  return used;
}

export function loadProject(root: string): ModelProject {
  root = path.resolve(root);
  const found = findProjectFiles(root);
  const sources = loadSources(root);
  const settings = loadProjectFile(root);
  const issues: Issue[] = [...settings.issues, ...found.issues, ...sources.issues];
  const files: string[] = [];
  const macros = loadMacros(found.macros, files);
  const nodes = new Map<string, ModelNode>();
  const templates = new Map<string, TemplateUnit>();
  const scans = new Map<string, TemplateScan>();
  const seeds = seedCatalog(root, settings.settings.seeds);
  issues.push(...duplicateNames(found.models), ...seedNameClashes(found.models, seeds));
  for (const f of found.models) {
    const text = normalizeNewlines(readFileSync(f.file, 'utf8'));
    const folders = f.path.split('/').slice(1, -1);
    const block = parseConfigBlock(text, f.path, f.schema, folderDefaults(settings.settings, folders));
    const prepared = prepare(block.template, f.path, block.templateLine, true, files);
    issues.push(...block.issues, ...prepared.scan.issues);
    // Refs and sources in macros the model uses are its dependencies too (positions in the macro).
    const viaMacros = [...macrosUsed(prepared.scan, macros)].map((m) => macros.get(m)!.scan);
    const refs: RefUse[] = [...prepared.scan.refs, ...viaMacros.flatMap((s) => s.refs)];
    const srcs: SourceUse[] = [...prepared.scan.sources, ...viaMacros.flatMap((s) => s.sources)];
    if (nodes.has(f.name)) continue; // a duplicate name: reported above, its own problems too
    nodes.set(f.name, {
      name: f.name,
      file: f.file,
      path: f.path,
      config: block.config,
      template: block.template,
      templateLine: block.templateLine,
      refs,
      sources: srcs,
      ...(block.schemaAt ? { schemaAt: { file: f.path, ...block.schemaAt } } : {}),
    });
    scans.set(f.name, prepared.scan);
    if (prepared.unit) templates.set(f.name, prepared.unit);
  }
  for (const scan of [...scans.values(), ...[...macros.values()].map((m) => m.scan)]) {
    checkRefs(scan.refs, nodes, seeds, issues);
    checkSources(scan.sources, sources.catalog, issues);
    checkPartials(scan.partials, macros, issues);
  }
  for (const m of macros.values()) issues.push(...m.scan.issues);
  const macroGraph = new Map(
    [...macros].map(([name, m]) => [name, m.scan.partials.map((p) => p.name).filter((p) => macros.has(p))]),
  );
  issues.push(
    ...cycleIssues(
      macroGraph,
      (from, to) => macros.get(from)?.scan.partials.find((p) => p.name === to)?.at,
      'macros include each other',
    ),
  );
  issues.push(...targetIssues(nodes.values(), sources.catalog));
  const upstream = upstreamMap(nodes);
  issues.push(...cycleIssues(upstream, (from, to) => nodes.get(from)?.refs.find((r) => r.name === to)?.at, 'cycle'));
  if (issues.length)
    throw new ValidationError('MODEL_INVALID', `SQL models in ${path.join(root, 'sql')}`, byPosition(issues));
  const project: ModelProject = { root, models: nodes, seeds, upstream };
  const units = new Map([...macros].map(([name, m]) => [name, m.unit!]));
  const vars = settings.settings.vars;
  attachState(project, createState({ nodes, seeds, sources: sources.catalog, templates, macros: units, files, vars }));
  return project;
}

/**
 * The render state of a project: the one `loadProject` made, or (for a ModelProject built some
 * other way) one built from its nodes' templates and the sources and macros under its root.
 */
export function projectState(project: ModelProject): ProjectState {
  const attached = attachedState(project);
  if (attached) return attached;
  const files: string[] = [];
  const sources = loadSources(project.root);
  const settings = loadProjectFile(project.root);
  const macros = loadMacros(findProjectFiles(project.root).macros, files);
  const issues: Issue[] = [
    ...settings.issues,
    ...sources.issues,
    ...[...macros.values()].flatMap((m) => m.scan.issues),
  ];
  const templates = new Map<string, TemplateUnit>();
  for (const node of project.models.values()) {
    const prepared = prepare(node.template, node.path, node.templateLine, true, files);
    issues.push(...prepared.scan.issues);
    if (prepared.unit) templates.set(node.name, prepared.unit);
  }
  if (issues.length)
    throw new ValidationError('MODEL_INVALID', `SQL models in ${path.join(project.root, 'sql')}`, issues);
  const state = createState({
    nodes: project.models,
    seeds: project.seeds,
    sources: sources.catalog,
    templates,
    macros: new Map([...macros].map(([n, m]) => [n, m.unit!])),
    files,
    vars: settings.settings.vars,
  });
  attachState(project, state);
  return state;
}

function byPosition(issues: Issue[]): Issue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) =>
        (a.issue.file ?? '').localeCompare(b.issue.file ?? '') ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.issue);
}
