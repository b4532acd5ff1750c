/** Stable URLs of the pages (alerts and docs link to them), every part URL-encoded. */
const e = encodeURIComponent;

export const links = {
  dags: () => '/dags',
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
