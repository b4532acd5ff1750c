import path from 'node:path';
import type { TaskDefinition } from '../src/dag/types';
import { render, templateProblems, type Templated } from '../src/dag/templated';
import { operatorField } from '../src/models/project-file';
import { SluiceError } from '../src/errors/errors';
import { fileSource, type FileSourceOptions } from '../src/ingest/file-source';
import type { RejectedRow } from '../src/ingest/rejects';
import { LAND_RULES, landingTask, type LandTarget } from './land';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';

const RULES: opt.OptionRules = {
  ...LAND_RULES,
  path: opt.required(opt.templated),
  cwd: opt.string,
  format: opt.oneOf('csv', 'json', 'ndjson'),
  header: opt.boolean,
  delimiter: opt.string,
  quote: opt.string,
  extraColumns: opt.oneOf('ignore', 'error'),
  recordPath: opt.string,
  timestamptzWithoutOffset: opt.oneOf('error', 'utc'),
  onMalformed: opt.oneOf('fail', 'reject'),
  maxRejects: opt.wholeNumber(0),
};

export interface FilesToLakeSpec<I extends string, U extends string>
  extends
    LandTarget<I, U>,
    Pick<
      FileSourceOptions,
      'format' | 'header' | 'delimiter' | 'quote' | 'extraColumns' | 'recordPath' | 'timestamptzWithoutOffset'
    > {
  /**
   * A path or glob; may use `{{ds}}`, `{{params.x}}`, `{{vars.x}}` … (docs/models.md), e.g.
   * `incoming/customers/customers-{{ds}}.csv.gz`. Relative to `cwd`.
   */
  readonly path: Templated;
  /** Default: the working directory of the worker (the project folder). */
  readonly cwd?: string;
  /** 'fail' (default): a bad row fails the task with file and line. 'reject': bad rows go to a rejects object beside the data. */
  readonly onMalformed?: 'fail' | 'reject';
  /** In reject mode, more bad rows than this fail the task anyway (default 1,000), like COPY's MAXERROR. */
  readonly maxRejects?: number;
}

/** CSV, JSON or NDJSON files (gzip too) from a path or glob → one lake object per run. */
export function filesToLake<const I extends string, const U extends string = never>(
  spec: FilesToLakeSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('filesToLake', spec, () => filesTask(spec));
}

function filesTask<const I extends string, const U extends string>(spec: FilesToLakeSpec<I, U>): TaskDefinition<I, U> {
  const {
    path: pattern,
    cwd,
    onMalformed = 'fail',
    maxRejects = 1000,
    format,
    header,
    delimiter,
    quote,
    extraColumns,
    recordPath,
    timestamptzWithoutOffset,
    ...target
  } = spec;
  return landingTask(
    'files_to_lake',
    target,
    { path: typeof pattern === 'string' ? pattern : '(computed)', onMalformed },
    (ctx) => {
      const rejects: RejectedRow[] = [];
      const source = fileSource({
        path: render(pattern, ctx, operatorField('path')),
        cwd: cwd && path.resolve(cwd),
        columns: target.columns,
        format,
        header,
        delimiter,
        quote,
        extraColumns,
        recordPath,
        timestamptzWithoutOffset,
        onMalformed,
        onReject:
          onMalformed === 'reject'
            ? (r) => {
                if (rejects.length >= maxRejects)
                  throw new SluiceError(
                    'INPUT_MALFORMED',
                    `more than ${maxRejects} malformed rows (the last: ${r.at}: ${r.error})`,
                  );
                rejects.push(r);
              }
            : undefined,
      });
      return {
        rows: source,
        rejects: () => rejects,
        describe: () => `${source.stats().files} file(s)`,
      };
    },
    [...opt.checkOptions(spec, RULES), ...templateProblems(pattern, 'path')],
    Object.keys(RULES),
  );
}
