/**
 * The planner: every expectation of a suite registers the metrics it needs; identical aggregates
 * are computed once, all of them in ONE aggregate query over the suite's rows. Queries that cannot
 * be aggregates (a GROUP BY, an anti-join, custom SQL) are registered on their own. Literals,
 * regexes and type names are recorded so they can be checked in Postgres before anything runs.
 */
import { quoteIdent, quoteLiteral } from '../db/quote';
import type { TableInfo } from './catalog';
import { enclose } from './types/kwargs';
import type { Key, Planner } from './expectation';
import type { ValidationContext } from './types';

/** An SQL expression checked on its own, attributed to an expectation's kwarg when it fails. */
export interface ExprProbe {
  readonly index: number;
  readonly path: string;
  readonly sql: string;
  /** Set for probes whose value the plan reads (type names); null is then a problem. */
  readonly key?: Key;
  readonly nullMessage?: string;
}

export interface Problem {
  readonly index: number;
  /** Relative to the expectation's kwargs ('' for the expectation itself). */
  readonly path: string;
  readonly message: string;
}

export interface OwnQuery {
  readonly index: number;
  readonly key: Key;
  readonly sql: string;
  readonly scalar: boolean;
  readonly path: string;
}

export class SuitePlan {
  readonly aggregates = new Map<string, Key>();
  /** Aggregate SQL per expectation, for attributing a failure to one. */
  readonly aggregatesOf = new Map<number, string[]>();
  readonly queries: OwnQuery[] = [];
  readonly probes: ExprProbe[] = [];
  readonly problems: Problem[] = [];
  readonly source: string;

  constructor(
    readonly table: TableInfo,
    readonly where: string | undefined,
    private readonly others: ReadonlyMap<string, TableInfo | undefined>,
    readonly context: ValidationContext,
  ) {
    this.source = table.sql;
  }

  /** `FROM <table> WHERE (<where>) AND (<cond>)`. */
  from(cond?: string, where = this.where): string {
    const parts = [where, cond].filter(Boolean).map((c) => enclose(c!));
    return `FROM ${this.source}${parts.length ? ` WHERE ${parts.join(' AND ')}` : ''}`;
  }

  /** The one batched query: every aggregate of the suite over its rows. */
  aggregateSql(only?: readonly string[], where = this.where): string | undefined {
    const list = only
      ? [...new Set(only)].map((sql) => [sql, this.aggregates.get(sql)!] as const)
      : [...this.aggregates];
    if (!list.length) return undefined;
    return `SELECT ${list.map(([sql, key]) => `${sql} AS ${key}`).join(',\n  ')}\n${this.from(undefined, where)}`;
  }

  plannerFor(index: number): Planner {
    const mine: string[] = [];
    this.aggregatesOf.set(index, mine);
    const table = this.table;
    const literal = (value: unknown, path: string, column: string): string => {
      const col = table.byName.get(column);
      if (value === null) return 'NULL';
      if (typeof value === 'number' && (!col || col.category === 'N')) return quoteLiteral(value);
      if (typeof value === 'boolean' && col?.category === 'B') return quoteLiteral(value);
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        this.problems.push({
          index,
          path,
          message: `must be a string, number or boolean, got ${JSON.stringify(value)}`,
        });
        return 'NULL';
      }
      // Unknown-typed: Postgres reads it as the column's type (a date, a timestamp, an enum); checked before running.
      const sql = quoteLiteral(String(value));
      if (col && col.category !== 'S') this.probes.push({ index, path, sql: `${sql}::${col.baseType}` }); // any text is a valid string
      return sql;
    };
    return {
      table,
      other: (ref) => this.others.get(ref)!,
      context: this.context,
      source: this.source,
      from: (cond) => this.from(cond),
      col: quoteIdent,
      lit: literal,
      regex: (pattern, path) => {
        const sql = quoteLiteral(pattern);
        this.probes.push({ index, path, sql: `'' ~ ${sql}` });
        return sql;
      },
      regtype: (name, path) => {
        const key = `t${this.probes.length}`;
        this.probes.push({
          index,
          path,
          sql: `to_regtype(${quoteLiteral(name)})::text`,
          key,
          nullMessage: `"${name}" is not a type Postgres knows`,
        });
        return key;
      },
      agg: (sql) => {
        mine.push(sql);
        let key = this.aggregates.get(sql);
        if (!key) {
          key = `a${this.aggregates.size}`;
          this.aggregates.set(sql, key);
        }
        return key;
      },
      rows: (sql, path = '') => this.own(index, sql, false, path),
      scalar: (sql, path = '') => this.own(index, sql, true, path),
      problem: (path, message) => {
        this.problems.push({ index, path, message });
      },
    };
  }

  private own(index: number, sql: string, scalar: boolean, path: string): Key {
    const key = `q${this.queries.length}`;
    this.queries.push({ index, key, sql, scalar, path });
    return key;
  }
}
