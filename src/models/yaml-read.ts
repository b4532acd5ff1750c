/**
 * Reading small YAML documents (config blocks, sources.yml) with every problem reported at its
 * own file position: YAML syntax errors and wrong values alike.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { Issue } from '../errors/errors';
import { didYouMean } from '../util/did-you-mean';
import { positionAt, type LineIndex } from '../util/text-position';

export interface YamlReader {
  readonly issues: Issue[];
  /** Records a problem at a node (or at the start of the document when there is none). */
  fail(node: unknown, message: string): undefined;
}

export interface YamlPair {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: unknown;
  /** Written inside `{ … }`, where a comma starts a new key (`{ description: a, b }`). */
  readonly inFlow?: boolean;
}

/** Parses `text`, a slice of a file starting at `baseOffset`; positions are the file's. */
export function readYaml(
  text: string,
  baseOffset: number,
  index: LineIndex,
  file: string,
): { root: unknown; reader: YamlReader } {
  const issues: Issue[] = [];
  const at = (offset: number): Issue => ({
    message: '',
    file,
    ...positionAt(index, baseOffset + Math.max(0, Math.min(offset, text.length))),
  });
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) issues.push({ ...at(e.pos[0]), message: `YAML: ${e.message}` });
  const reader: YamlReader = {
    issues,
    fail(node, message) {
      const range = (node as { range?: [number, number, number] } | null)?.range;
      issues.push({ ...at(range ? range[0] : 0), message });
      return undefined;
    },
  };
  return { root: doc.errors.length ? null : doc.contents, reader };
}

/** The pairs of a mapping node, keys as strings; anything else is reported as `what`. */
export function mapPairs(node: unknown, what: string, r: YamlReader): YamlPair[] | undefined {
  if (!isMap(node)) return r.fail(node, `${what} must be a mapping (key: value)`);
  const out: YamlPair[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as Node;
    if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
      r.fail(keyNode, `${what}: keys must be plain names`);
      continue;
    }
    out.push({ key: String(keyNode.value), keyNode, value: pair.value, inFlow: node.flow === true });
  }
  return out;
}

/** Reports keys outside `known`, with the closest known key as a hint; returns the known pairs. */
export function knownPairs(
  pairs: readonly YamlPair[],
  known: readonly string[],
  where: string,
  r: YamlReader,
): YamlPair[] {
  return pairs.filter((p) => {
    if (known.includes(p.key)) return true;
    const comma =
      p.inFlow && (p.value === null || (isScalar(p.value) && p.value.value === null))
        ? '; inside { … } a comma starts a new key: quote text that contains commas'
        : '';
    r.fail(
      p.keyNode,
      `unknown key "${p.key}" in ${where}${didYouMean(p.key, known)} (known: ${known.join(', ')})${comma}`,
    );
    return false;
  });
}

/** The node to point at for a pair's value: the value, or the key when the value is missing. */
export function valueNode(p: YamlPair): unknown {
  return (p.value as { range?: unknown } | null)?.range ? p.value : p.keyNode;
}

export function readString(p: YamlPair, r: YamlReader, label = p.key): string | undefined {
  const node = p.value;
  if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value;
  return r.fail(valueNode(p), `${label} must be a non-empty string${describe(node)}`);
}

/** A string or a list of strings (`unique_key: id` and `unique_key: [a, b]` alike). */
export function readStringList(p: YamlPair, r: YamlReader): string[] | undefined {
  const node = p.value;
  if (isScalar(node) && typeof node.value === 'string')
    return readString(p, r) === undefined ? undefined : [node.value];
  if (!isSeq(node)) return r.fail(valueNode(p), `${p.key} must be a string or a list of strings${describe(node)}`);
  const out: string[] = [];
  for (const item of node.items) {
    const s = readString({ key: p.key, keyNode: p.keyNode, value: item }, r, `each item of ${p.key}`);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function describe(node: unknown): string {
  if (node === null || node === undefined) return ' (it is empty)';
  if (isScalar(node)) return node.value === null ? ' (it is empty)' : ` (got ${JSON.stringify(node.value)})`;
  if (isSeq(node)) return ' (got a list)';
  if (isMap(node)) return ' (got a mapping)';
  return '';
}
