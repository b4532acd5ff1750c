import type { Database, Client } from '../db/database';
import type { FromChild, ToChild } from './protocol';

type SqlRequest = Extract<FromChild, { type: 'sql' }>;
type Reply = (m: Extract<ToChild, { type: 'sql-result' }>) => void;

/**
 * Runs worker children's SQL on the parent's connection (embedded mode, where PGlite serves one
 * connection). A transaction holds a client until commit or rollback, or until its task ends.
 */
interface OpenTransaction {
  readonly client: Client;
  /** Commits or rolls back, resolving when the connection is back in the pool; a failed COMMIT rejects. */
  end(commit: boolean): Promise<void>;
}

const ROLLED_BACK = Symbol('rolled back');

export class SqlProxy {
  private readonly open = new Map<number, OpenTransaction & { owner: number }>();
  private nextTx = 1;

  constructor(private readonly db: Database) {}

  /** A transaction held open across messages: the database's own, waiting on the child's decision. */
  private begin(): Promise<OpenTransaction> {
    return new Promise((opened, failed) => {
      let decide!: (commit: boolean) => void;
      const decision = new Promise<boolean>((r) => (decide = r));
      let began = false;
      const ended: Promise<void> = this.db
        .transaction(async (client) => {
          began = true;
          opened({
            client,
            end: async (commit) => {
              decide(commit);
              await ended;
            },
          });
          if (!(await decision)) throw ROLLED_BACK;
        })
        .catch((e) => {
          if (!began) failed(e);
          else if (e !== ROLLED_BACK) throw e;
        });
    });
  }

  async handle(owner: number, m: SqlRequest, reply: Reply): Promise<void> {
    try {
      if (m.op === 'begin') {
        const txId = this.nextTx++;
        this.open.set(txId, { ...(await this.begin()), owner });
        return reply({ type: 'sql-result', reqId: m.reqId, txId });
      }
      const tx = m.txId !== undefined ? this.open.get(m.txId) : undefined;
      if (m.txId !== undefined && !tx) throw new Error('transaction is no longer open');
      if (m.op === 'commit' || m.op === 'rollback') {
        this.open.delete(m.txId!);
        await tx!.end(m.op === 'commit');
        return reply({ type: 'sql-result', reqId: m.reqId });
      }
      const r = tx ? await tx.client.query(m.sql!, m.params) : await this.db.query(m.sql!, m.params);
      reply({ type: 'sql-result', reqId: m.reqId, rows: r.rows, rowCount: r.rowCount ?? 0 });
    } catch (e) {
      reply({ type: 'sql-result', reqId: m.reqId, error: (e as Error).message });
    }
  }

  /** Rolls back whatever a finished or dead task left open. */
  async abandon(owner: number): Promise<void> {
    for (const [id, tx] of this.open) {
      if (tx.owner !== owner) continue;
      this.open.delete(id);
      await tx.end(false).catch(() => undefined);
    }
  }
}
