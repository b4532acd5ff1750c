import { graphOf, type DagGraph, type DagStructure } from '../dag/serialized-dag';
import type { Queryable } from '../db/queryable';

export interface VersionInfo {
  readonly id: number;
  readonly filePath: string;
  readonly graph: DagGraph;
}

/** Serialized DAG versions never change once written, so every process may cache them forever. */
export class VersionCache {
  private readonly byId = new Map<number, Promise<VersionInfo>>();

  constructor(private readonly db: Queryable) {}

  get(id: number): Promise<VersionInfo> {
    let hit = this.byId.get(id);
    if (!hit) {
      hit = this.db
        .query<{ file_path: string; structure: DagStructure }>(
          `SELECT file_path, structure FROM sluice.dag_version WHERE id = $1`,
          [id],
        )
        .then((r) => {
          if (!r.rows[0]) throw new Error(`DAG version ${id} not found`);
          return { id, filePath: r.rows[0].file_path, graph: graphOf(r.rows[0].structure) };
        });
      hit.catch(() => this.byId.delete(id));
      this.byId.set(id, hit);
    }
    return hit;
  }
}
