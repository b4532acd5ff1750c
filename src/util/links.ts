import path from 'node:path';

/** Stable URLs of the pages (alerts and docs link to them), every part URL-encoded. */
const e = encodeURIComponent;

export const links = {
  /** The page of a Data Docs file (an absolute path under the docs folder), or undefined outside it. */
  dataDocs: (dataDocsDir: string, file: string | undefined) => {
    if (!file) return undefined;
    const rel = path.relative(dataDocsDir, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return `/data-docs/${rel.split(path.sep).map(e).join('/')}`;
  },
  dags: () => '/dags',
  /** The alerts page, of one DAG when given. */
  alerts: (dagId?: string) => (dagId ? `/alerts?dag=${e(dagId)}` : '/alerts'),
  dag: (dagId: string) => `/dags/${e(dagId)}`,
  dagCode: (dagId: string) => `/dags/${e(dagId)}/code`,
  dagGraph: (dagId: string, runId?: string) => `/dags/${e(dagId)}/graph${runId ? `?run=${e(runId)}` : ''}`,
  trigger: (dagId: string) => `/dags/${e(dagId)}/trigger`,
  pause: (dagId: string) => `/dags/${e(dagId)}/pause`,
  run: (dagId: string, runId: string) => `/dags/${e(dagId)}/runs/${e(runId)}`,
  clear: (dagId: string, runId: string, taskId: string) =>
    `/dags/${e(dagId)}/runs/${e(runId)}/tasks/${e(taskId)}/clear`,
  mark: (dagId: string, runId: string, taskId: string) => `/dags/${e(dagId)}/runs/${e(runId)}/tasks/${e(taskId)}/mark`,
  cell: (dagId: string, runPk: number, taskId: string) => `/dags/${e(dagId)}/ti/${runPk}/${e(taskId)}`,
  taskInstance: (dagId: string, runId: string, taskId: string, tryNumber?: number) =>
    `/dags/${e(dagId)}/runs/${e(runId)}/tasks/${e(taskId)}${tryNumber ? `?try=${tryNumber}` : ''}`,
};
