/**
 * Slack's Block Kit limits, enforced on what a template rendered, so that no template (a project's
 * override included) and no message (a 10 KB error, 60 failed tasks) makes Slack refuse the post:
 * Slack answers invalid_blocks or HTTP 400 for a single over-long text, and the alert is lost.
 * Texts are cut with a mark, lists shortened, and blocks that would be empty (a button without a URL,
 * a section without text) dropped, so templates can leave optional parts in unconditionally.
 */

/** A Block Kit block as rendered: a `type` and whatever the template put in it. */
export interface SlackBlock {
  readonly type: string;
  readonly block_id?: string;
  readonly [key: string]: unknown;
}

export interface SlackMessage {
  /** The notification fallback (push notifications, screen readers, clients that cannot show blocks). */
  readonly text: string;
  readonly blocks: SlackBlock[];
}

// docs.slack.dev/reference/block-kit: section text 3,000 and fields 10 × 2,000; header 150; button
// text 75 and url 3,000; 50 blocks; context 10 elements; actions 25 elements; message text 3,000 here.
const LIMIT = {
  header: 150,
  text: 3_000,
  fields: 10,
  field: 2_000,
  context: 10,
  actions: 25,
  button: 75,
  url: 3_000,
  blocks: 50,
  fallback: 3_000,
};

// Slack answers msg_blocks_too_long well below its documented 40,000 characters (reported at ~13,000
// characters of blocks, slackapi/bolt-js#2509), so the blocks' JSON is kept under this.
const BLOCKS_BUDGET = 12_000;

export function fitSlackMessage(m: SlackMessage): SlackMessage {
  const blocks = m.blocks.map(fitBlock).filter((b): b is SlackBlock => b !== undefined);
  return { text: cut(m.text, LIMIT.fallback), blocks: fitCount(blocks) };
}

/** `s` cut to `max` characters with a mark; a long text keeps ~100 characters of room and its code block closed. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max < 1_000) return `${slice(s, max - 1)}…`;
  let kept = slice(s, max - 100);
  if ((kept.match(/```/g)?.length ?? 0) % 2 === 1) kept += '```';
  return `${kept}\n… (cut)`;
}

// Never between the two halves of a surrogate pair (an emoji): Slack rejects the lone half.
function slice(s: string, n: number): string {
  const last = s.charCodeAt(n - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A text object ({type, text}) with its text cut, or undefined when it has none. */
function fitText(t: unknown, max: number): Obj | undefined {
  if (!isObj(t) || typeof t.text !== 'string' || !t.text.trim()) return undefined;
  return { ...t, text: cut(t.text, max) };
}

/** A button with its text cut; dropped without a usable URL (these messages come from no app to click back to). */
function fitElement(e: unknown): Obj | undefined {
  if (!isObj(e)) return undefined;
  if (e.type !== 'button') return e;
  if (typeof e.url !== 'string' || !e.url || e.url.length > LIMIT.url) return undefined;
  const text = fitText(e.text, LIMIT.button);
  return text ? { ...e, text } : undefined;
}

const defined = <T>(xs: readonly (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);
const elements = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function fitBlock(b: SlackBlock): SlackBlock | undefined {
  switch (b.type) {
    case 'header': {
      const text = fitText(b.text, LIMIT.header);
      return text ? { ...b, text } : undefined;
    }
    case 'section': {
      const { text: _text, fields: _fields, accessory: _accessory, ...rest } = b;
      const text = fitText(b.text, LIMIT.text);
      const fields = defined(elements(b.fields).map((f) => fitText(f, LIMIT.field))).slice(0, LIMIT.fields);
      if (!text && !fields.length) return undefined;
      const accessory = b.accessory === undefined ? undefined : fitElement(b.accessory);
      return { ...rest, ...(text && { text }), ...(fields.length ? { fields } : {}), ...(accessory && { accessory }) };
    }
    case 'actions': {
      const els = defined(elements(b.elements).map(fitElement)).slice(0, LIMIT.actions);
      return els.length ? { ...b, elements: els } : undefined;
    }
    case 'context': {
      const els = defined(
        elements(b.elements).map((e) => (isObj(e) && e.type === 'image' ? e : fitText(e, LIMIT.text))),
      ).slice(0, LIMIT.context);
      return els.length ? { ...b, elements: els } : undefined;
    }
    default:
      return b;
  }
}

const size = (bs: readonly SlackBlock[]) => bs.reduce((n, b) => n + JSON.stringify(b).length, 0);

/**
 * At most 50 blocks within the budget: the header and the closing actions and context stay, the
 * blocks between are kept in order while they fit, and one line says how many were left out.
 */
function fitCount(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= LIMIT.blocks && size(blocks) <= BLOCKS_BUDGET) return blocks;
  const head = blocks[0]?.type === 'header' ? 1 : 0;
  let tail = blocks.length;
  while (tail > head && blocks.length - tail < 2 && ['actions', 'context'].includes(blocks[tail - 1].type)) tail--;
  const kept: SlackBlock[] = [];
  let room = BLOCKS_BUDGET - size(blocks.slice(0, head)) - size(blocks.slice(tail)) - 200;
  for (const b of blocks.slice(head, tail)) {
    const s = JSON.stringify(b).length;
    if (kept.length >= LIMIT.blocks - head - (blocks.length - tail) - 1 || s > room) break;
    kept.push(b);
    room -= s;
  }
  const left = tail - head - kept.length;
  const note: SlackBlock = {
    type: 'section',
    text: { type: 'mrkdwn', text: `… and ${left} more ${left === 1 ? 'part' : 'parts'} not shown here: open the run.` },
  };
  return [...blocks.slice(0, head), ...kept, note, ...blocks.slice(tail)];
}
