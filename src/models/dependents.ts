/**
 * What depends on a relation a model replaces. Replacing a view or table used to DROP … CASCADE,
 * which silently took with it every view built on it, whoever had built them. Now, inside the
 * replacing transaction: views that models built (and views on those) are dropped explicitly and
 * rebuilt from their own definitions after the replace; anything else (a view or materialized
 * view no model built, a foreign key, a function body, a column of the table's row type) stops
 * the replace with an error naming it. A rebuilt view that no longer fits the new columns fails
 * the replace too, unless the runner rebuilds that model later in the same run.
 */
import { quoteIdent, quoteLiteral, quoteQualified } from '../db/quote';
import type { Queryable } from '../db/queryable';
import { modelOfMarker } from './relation';
import type { CompiledModel } from './types';
import { modelProblem } from './model-error';

interface Grant {
  readonly privilege: string;
  readonly grantee: string | null;
  readonly grantable: boolean;
}

export interface DependentView {
  readonly schema: string;
  readonly name: string;
  /** Longest chain of views from the replaced relation to this one (1: built directly on it). */
  readonly depth: number;
  /** The relation it is built on (on the way from the replaced one). */
  readonly via: string;
  readonly relkind: string;
  readonly note: string | null;
  readonly definition: string;
  readonly options: readonly string[] | null;
  readonly grants: readonly Grant[];
}

export interface Dependents {
  /** The replaced relation's own marker now (it may have changed since the run looked). */
  readonly note: string | null | undefined;
  /** Model-built views, in the order to rebuild them. */
  readonly views: readonly DependentView[];
}

/** Relations (`schema.name`) the runner builds later in this run: a dependent view of theirs may stay dropped until then. */
export interface RebuiltLater {
  has(key: string): boolean;
}

export const relationKey = (schema: string, name: string) => `${schema}.${name}`;

const MARKED = `coalesce(obj_description(c.oid, 'pg_class'), '') LIKE 'sluice:model %'`;

/**
 * One catalog query: the views built on `schema.name` (through views models built, recursively)
 * with what is needed to rebuild them, and everything that depends on it or on them and is not a
 * model's view.
 */
async function inspect(
  q: Queryable,
  schema: string,
  name: string,
): Promise<{ note: string | null | undefined; views: DependentView[]; blockers: string[] }> {
  const r = await q.query<{
    note: string | null;
    found: boolean;
    views: DependentView[] | null;
    others: string[] | null;
  }>(
    `WITH RECURSIVE target AS (SELECT to_regclass($1) AS oid),
     dep(oid, depth, via) AS (
       SELECT w.ev_class, 1, t.oid FROM target t
         JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid AND d.deptype = 'n'
         JOIN pg_rewrite w ON w.oid = d.objid AND w.ev_class <> t.oid
       UNION
       SELECT w.ev_class, dep.depth + 1, dep.oid FROM dep
         JOIN pg_class c ON c.oid = dep.oid AND c.relkind = 'v' AND ${MARKED}
         JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = dep.oid AND d.deptype = 'n'
         JOIN pg_rewrite w ON w.oid = d.objid AND w.ev_class <> dep.oid
        WHERE dep.depth < 64
     ),
     views AS (SELECT oid, max(depth) AS depth, (array_agg(via::regclass::text ORDER BY depth))[1] AS via FROM dep GROUP BY oid),
     owned AS (SELECT v.oid FROM views v JOIN pg_class c ON c.oid = v.oid WHERE c.relkind = 'v' AND ${MARKED}),
     scope AS (SELECT oid FROM target UNION SELECT oid FROM owned)
     SELECT obj_description((SELECT oid FROM target), 'pg_class') AS note, (SELECT oid FROM target) IS NOT NULL AS found,
       (SELECT json_agg(json_build_object(
           'schema', n.nspname, 'name', c.relname, 'depth', v.depth, 'via', v.via, 'relkind', c.relkind::text, 'note', obj_description(c.oid, 'pg_class'),
           'definition', CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, 'options', c.reloptions,
           'grants', (SELECT coalesce(json_agg(json_build_object('privilege', a.privilege_type,
                        'grantee', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, 'grantable', a.is_grantable)), '[]')
                        FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner))
           ORDER BY v.depth, n.nspname, c.relname)
          FROM views v JOIN pg_class c ON c.oid = v.oid JOIN pg_namespace n ON n.oid = c.relnamespace) AS views,
       (SELECT json_agg(DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid))
          FROM scope s JOIN pg_class c ON c.oid = s.oid
          JOIN pg_depend d ON d.deptype = 'n' AND d.classid <> 'pg_rewrite'::regclass
           AND (d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid OR d.refclassid = 'pg_type'::regclass AND d.refobjid = c.reltype)) AS others`,
    [quoteQualified(schema, name)],
  );
  const row = r.rows[0];
  const all = row?.views ?? [];
  const views = all.filter((v) => v.relkind === 'v' && modelOfMarker(v.note) !== undefined);
  const blockers = [
    ...all
      .filter((v) => !views.includes(v))
      .map((v) => `${v.relkind === 'm' ? 'materialized view' : 'view'} ${v.schema}.${v.name} (on ${v.via})`),
    ...(row?.others ?? []),
  ];
  return { note: row?.found ? row.note : undefined, views, blockers };
}

/**
 * Drops the model-built views depending on `schema.name` (deepest first) so it can be replaced,
 * after checking that nothing else depends on it and that it still carries a model's marker;
 * returns them for `restoreDependents`.
 */
export async function detachDependents(
  tx: Queryable,
  model: CompiledModel,
  file: string,
  schema: string,
  name: string,
): Promise<Dependents> {
  const found = await inspect(tx, schema, name);
  const relation = quoteQualified(schema, name);
  if (found.note !== undefined && modelOfMarker(found.note) === undefined) {
    throw problem(
      model,
      file,
      `${relation} is no longer a relation a model built (it changed while the model ran); nothing was replaced`,
    );
  }
  if (found.blockers.length) {
    throw problem(
      model,
      file,
      `replacing ${relation} would drop what no model built, which depends on it: ${found.blockers.join('; ')}. ` +
        'Sluice drops only what models built: drop or change these first (or build them as models)',
    );
  }
  for (const v of [...found.views].reverse()) await tx.query(`DROP VIEW ${quoteQualified(v.schema, v.name)}`);
  return { note: found.note, views: found.views };
}

/**
 * Rebuilds the views `detachDependents` dropped, each from its own definition, comment and grants,
 * each in a savepoint: a view that no longer fits stays dropped only when the runner rebuilds it
 * later in this run; otherwise the whole replace fails, naming the view and the model that built it.
 */
export async function restoreDependents(
  tx: Queryable,
  model: CompiledModel,
  file: string,
  deps: Dependents,
  rebuiltLater: RebuiltLater = new Set(),
): Promise<void> {
  for (const v of deps.views) {
    const target = quoteQualified(v.schema, v.name);
    const options = (v.options ?? []).filter((o) => /^[a-z_]+=[A-Za-z0-9_]+$/.test(o));
    await tx.query('SAVEPOINT sluice_dependent');
    try {
      await tx.query(
        `CREATE VIEW ${target}${options.length ? ` WITH (${options.join(', ')})` : ''} AS ${v.definition.replace(/;\s*$/, '')}`,
      );
      if (v.note !== null) await tx.query(`COMMENT ON VIEW ${target} IS ${quoteLiteral(v.note)}`);
      for (const g of v.grants.filter((x) => /^[A-Z ]+$/.test(x.privilege))) {
        await tx.query(
          `GRANT ${g.privilege} ON ${target} TO ${g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`,
        );
      }
      await tx.query('RELEASE SAVEPOINT sluice_dependent');
    } catch (e) {
      await tx.query('ROLLBACK TO SAVEPOINT sluice_dependent');
      if (rebuiltLater.has(relationKey(v.schema, v.name))) continue;
      const builtBy = modelOfMarker(v.note);
      throw problem(
        model,
        file,
        `view ${v.schema}.${v.name} (built by model ${builtBy}) depends on ${model.relation} and no longer fits it: ${(e as Error).message}. ` +
          (model.seed
            ? `Nothing was replaced: change that model to fit the seed's new columns (or declare the seed's column types), then load the seed again`
            : `Nothing was replaced: change that model too, or run it in the same run (--select ${model.name}+)`),
      );
    }
  }
}

const problem = modelProblem;

/** A DROP refused because something depends on the relation (Postgres' message; the code does not survive every warehouse client). */
function dependentsBlocked(e: unknown): boolean {
  return /because other objects depend on it/.test(String((e as Error)?.message));
}

/**
 * Runs a replace, taking care of dependent views only when the catalog said there are some; if
 * something came to depend on the relation since it was looked up, once more, taking care of it.
 */
export async function replaceMindingDependents(
  hadDependents: boolean,
  attempt: (withDependents: boolean) => Promise<void>,
): Promise<void> {
  try {
    await attempt(hadDependents);
  } catch (e) {
    if (!dependentsBlocked(e) || hadDependents) throw e;
    await attempt(true);
  }
}
