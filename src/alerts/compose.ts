import type { Queryable } from '../db/queryable';
import { redactConnectionString } from '../secrets/connection-string';
import {
  alertEvent,
  alertRun,
  alertTasksOfRun,
  incidentOpenedAt,
  type AlertEventRow,
  type AlertTaskRow,
} from '../state/alert-context';
import type { ClaimedAlert } from '../state/alert-outbox';
import { failedExpectationsOfTask, type FailedExpectationRow } from '../state/validations';
import { links } from '../util/links';
import type { AlertExpectation, AlertKind, AlertMessage, AlertSeverity, AlertTask } from './message';

/**
 * An alert's message, composed when it is sent from what the platform schema holds then: a run's
 * failure lists every failed and upstream-failed task it has by that time, with the last error of
 * each and the failing expectations of its gates. Every text is masked: the channels' own
 * credentials, and anything shaped like a Slack token, a webhook URL or a password in a URL.
 */
export interface ComposeContext {
  /** The web UI's address, for links (`SLUICE_WEB_BASE_URL`). */
  readonly baseUrl: string;
  /** Masks the channels' credentials (and task secrets the text may still hold). */
  readonly mask: (text: string) => string;
}

const ERROR_CHARS = 1500;
const ERROR_LINES = 20;
const SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  failure: 'error',
  retry: 'warning',
  warning: 'warning',
  deadline: 'warning',
  recovered: 'ok',
  import_error: 'error',
  import_fixed: 'ok',
  test: 'info',
};

/** Slack tokens, Slack webhook URLs, and user:password@ in URLs, wherever they show up. */
export function redactSecretsIn(text: string): string {
  return redactConnectionString(
    text
      .replace(/\bxox[abeprs]-[A-Za-z0-9-]+/g, 'xox*-***')
      .replace(/https:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>)]+/g, 'https://hooks.slack.com/***'),
  ).replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):[^@\s/]+@/gi, '$1:***@');
}

function excerpt(error: string | null | undefined): string | undefined {
  if (!error) return undefined;
  const lines = error.split('\n');
  let text = lines.slice(0, ERROR_LINES).join('\n');
  if (text.length > ERROR_CHARS) text = text.slice(0, ERROR_CHARS);
  return text.length < error.length ? `${text}\n… (${error.length - text.length} more characters in the log)` : text;
}

export async function composeMessage(
  q: Queryable,
  a: ClaimedAlert & { readonly suppressed: number },
  ctx: ComposeContext,
): Promise<AlertMessage> {
  const kind = a.kind as AlertKind;
  const abs = (p: string) => `${ctx.baseUrl.replace(/\/$/, '')}${p}`;
  const event: AlertEventRow | undefined = a.event_id !== null ? await alertEvent(q, a.event_id) : undefined;
  const run = a.run_id !== null ? await alertRun(q, a.run_id) : undefined;
  const since =
    (a.incident_id !== null ? await incidentOpenedAt(q, a.incident_id) : undefined) ??
    event?.created_at ??
    a.created_at;
  const dagId = a.dag_id ?? undefined;
  const taskOut = (t: AlertTaskRow): AlertTask => ({
    taskId: t.task_id,
    state: t.state,
    tryNumber: t.try_number || undefined,
    maxTries: t.max_tries,
    durationMs: t.duration_ms ?? undefined,
    error: excerpt(t.error),
    url: run ? abs(links.taskInstance(run.dag_id, run.run_id, t.task_id)) : undefined,
    logUrl: run && t.try_number ? abs(links.taskInstance(run.dag_id, run.run_id, t.task_id, t.try_number)) : undefined,
  });

  let tasks: AlertTask[] = [];
  let expectations: AlertExpectation[] = [];
  let title = event?.message ?? a.kind;
  let detail: string | undefined;
  let deadline: AlertMessage['deadline'];
  let file: AlertMessage['file'];
  if (run && dagId) {
    if (kind === 'failure') {
      tasks = (await alertTasksOfRun(q, a.run_id!, ['failed', 'upstream_failed'])).map(taskOut);
      expectations = (await failedExpectationsOfTask(q, { dagId, taskId: null, runPk: a.run_id! })).map(expectationOut);
      const failed = tasks.filter((t) => t.state === 'failed').map((t) => t.taskId);
      title = `${dagId} failed${failed.length ? `: ${failed.join(', ')}` : ''}`;
    } else if (kind === 'retry' && a.task_id) {
      const [t] = (
        await alertTasksOfRun(
          q,
          a.run_id!,
          ['up_for_retry', 'queued', 'running', 'scheduled', 'failed', 'success'],
          a.task_id,
        )
      ).map(taskOut);
      tasks = t ? [{ ...t, error: excerpt(String(event?.payload.error ?? t.error ?? '')) }] : [];
      title = `${dagId}.${a.task_id} is being retried (try ${event?.try_number ?? '?'} failed)`;
    } else if (kind === 'warning' && a.task_id) {
      expectations = (await failedExpectationsOfTask(q, { dagId, taskId: a.task_id, runPk: a.run_id! })).map(
        expectationOut,
      );
      title = `${dagId}.${a.task_id}: ${expectations.length} expectation(s) warned`;
    } else if (kind === 'deadline') {
      const p = event?.payload ?? {};
      const taskId = typeof p.task === 'string' ? p.task : undefined;
      deadline = { name: String(p.name), reference: String(p.reference), due: new Date(String(p.due)), taskId };
      tasks = (
        await alertTasksOfRun(q, a.run_id!, ['none', 'scheduled', 'queued', 'running', 'up_for_retry'], taskId)
      ).map(taskOut);
      title = `${dagId}${taskId ? `.${taskId}` : ''} missed its deadline ${deadline.name} (${run.state})`;
    } else if (kind === 'recovered') {
      title = `${dagId} recovered`;
      detail = `run ${run.run_id} succeeded`;
    }
  }
  if (kind === 'import_error' || kind === 'import_fixed') {
    const issues = (event?.payload.issues ?? []) as Array<{ line?: number; message: string }>;
    file = { path: a.file_path ?? '?', line: issues[0]?.line, message: issues[0]?.message ?? event?.message ?? '' };
    title = kind === 'import_error' ? `${a.file_path} does not import` : `${a.file_path} imports again`;
  }

  const m = ctx.mask;
  const clean = (s: string | undefined) => (s === undefined ? undefined : m(redactSecretsIn(s)));
  return {
    kind,
    severity: SEVERITY[kind] ?? 'info',
    title: clean(title)!,
    dagId,
    runId: run?.run_id,
    logicalDate: run?.logical_date,
    since,
    at: event?.created_at ?? a.created_at,
    owner: run?.owner ?? undefined,
    tasks: tasks.map((t) => ({ ...t, error: clean(t.error) })),
    expectations: expectations.map((x) => ({
      ...x,
      summary: clean(x.summary)!,
      sampleValues: x.sampleValues?.map((v) => clean(v)!),
    })),
    deadline,
    file: file && { ...file, message: clean(file.message)! },
    suppressed: a.suppressed,
    detail: clean(detail),
    links: {
      run: run ? abs(links.run(run.dag_id, run.run_id)) : undefined,
      dag: dagId ? abs(links.dag(dagId)) : undefined,
      log: tasks.find((t) => t.state === 'failed')?.logUrl,
      alerts: abs(links.alerts(dagId)),
    },
    dedupeKey: a.dedupe_key,
  };
}

function expectationOut(r: FailedExpectationRow): AlertExpectation {
  const column = typeof r.kwargs.column === 'string' ? r.kwargs.column : undefined;
  const sample = (r.sample ?? []).slice(0, 5).map((row) => {
    const v = column && column in row ? row[column] : row;
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
  return {
    suite: r.suite,
    table: r.table_name,
    type: r.type,
    column,
    severity: r.severity === 'warn' ? 'warn' : 'error',
    summary: r.summary,
    unexpectedCount: r.unexpected_count ?? undefined,
    elementCount: r.element_count ?? undefined,
    sampleValues: sample.length ? sample : undefined,
  };
}
