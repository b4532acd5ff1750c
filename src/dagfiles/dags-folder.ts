import { promises as fs } from 'node:fs';
import { SluiceError } from '../errors/errors';

/**
 * The DAG folder must exist. A missing one (a typo in SLUICE_DAGS_FOLDER, a scheduler started in
 * the wrong directory) read as "no DAG files": every DAG was deactivated and nothing ran, without a word.
 */
export async function assertDagsFolder(folder: string, setting = 'SLUICE_DAGS_FOLDER'): Promise<void> {
  const st = await fs.stat(folder).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    throw new SluiceError('CONFIG_INVALID', `cannot read the DAG folder ${folder} (${setting}): ${e.message}`);
  });
  if (!st)
    throw new SluiceError(
      'CONFIG_INVALID',
      `the DAG folder ${folder} does not exist (${setting}; create it, or set ${setting} to the folder holding your DAG files)`,
    );
  if (!st.isDirectory())
    throw new SluiceError('CONFIG_INVALID', `the DAG folder ${folder} is not a folder (${setting})`);
}
