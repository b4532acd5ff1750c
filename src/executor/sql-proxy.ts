import type { Database, Client } from '../db/database';
import type { FromChild, ToChild } from './protocol';

type SqlRequest = Extract<FromChild, { type: 'sql' }>;
type Reply = (m: Extract<ToChild, { type: 'sql-result' }>) => void;

/**
 * Runs worker children's SQL on the parent's connection (embedded mode, where PGlite serves one
 * connection). A transaction holds a client until commit or rollback, or until its task ends.
 */
export class SqlProxy {
  private readonly open = new Map<number, { client: Client; release: () => void; owner: number }>();
  private nextTx = 1;

  constructor(private readonly db: Database) {}

  async handle(owner: number, m: SqlRequest, reply: Reply): Promise<void> {
    try {
      if (m.op === 'begin') {
        const txId = this.nextTx++;
        const client = await new Promise<{ client: Client; release: () => void }>((resolve) => {
          void this.db.withClient((client) => new Promise<void>((release) => resolve({ client, release })));
        });
        this.open.set(txId, { ...client, owner });
        await client.client.query('BEGIN');
        return reply({ type: 'sql-result', reqId: m.reqId, txId });
      }
      const tx = m.txId !== undefined ? this.open.get(m.txId) : undefined;
      if (m.txId !== undefined && !tx) throw new Error('transaction is no longer open');
      if (m.op === 'commit' || m.op === 'rollback') {
        this.open.delete(m.txId!);
        try {
          await tx!.client.query(m.op.toUpperCase());
        } finally {
          tx!.release();
        }
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
      await tx.client.query('ROLLBACK').catch(() => undefined);
      tx.release();
    }
  }
}
