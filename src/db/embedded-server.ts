import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketHandler, PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

export interface SocketServer {
  /** host:port of the loopback listener. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Serves one PGlite to any number of loopback connections, one session turn at a time.
 *
 * PGlite is a single backend. pglite-socket's own server queues protocol messages and keeps an
 * explicit transaction's messages together, but between transactions it interleaves messages of
 * different connections one by one: a Parse from one client can land between another's Parse and
 * Bind, and that client then runs the wrong statement (seen with large parameters, whose messages
 * arrive in several TCP chunks). So here a connection keeps the backend from its first message
 * until the backend says it is idle again (ReadyForQuery 'I'): an extended-protocol sequence up to
 * its Sync, a whole transaction, a COPY. Others' messages wait meanwhile.
 */
export async function serveOneSessionAtATime(db: PGlite): Promise<SocketServer> {
  const { PGLiteSocketHandler } = await import('@electric-sql/pglite-socket');
  const turns = new SessionTurns(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket: Socket) => {
    const handler = new PGLiteSocketHandler({
      // The handler only calls enqueue, clearQueueForHandler and clearTransactionIfNeeded.
      queryQueue: turns as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((h) => h.detach(true)));
      handlers.clear();
      await closed;
    },
  };
}

interface Pending {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (e: Error) => void;
}

/** The queue of every connection's messages; the connection holding the turn goes first. */
class SessionTurns {
  private queue: Pending[] = [];
  private holder: number | undefined;
  private running: number | undefined;
  private readonly closed = new Set<number>();
  private draining = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('connection closed'));
      return false;
    });
  }

  /** A connection left: if it holds the turn, what it left open is rolled back and the turn passed on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.running === handlerId) {
      this.closed.add(handlerId); // drain ends its turn once the running message is done
      return;
    }
    if (this.holder !== handlerId) return;
    await this.exclusive(() => this.endTurn());
    await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const i = this.holder === undefined ? 0 : this.queue.findIndex((q) => q.handlerId === this.holder);
        const next = i >= 0 ? this.queue.splice(i, 1)[0] : undefined;
        if (!next) return; // nothing queued, or the holder has not sent its next message yet
        this.running = next.handlerId;
        await this.exclusive(async () => {
          const ready = new ReadyForQueryWatcher();
          let bytes = 0;
          try {
            await this.db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length;
                ready.feed(data);
                next.onData(data);
              },
            });
            this.holder = ready.idle ? undefined : next.handlerId;
            next.resolve(bytes);
          } catch (e) {
            this.holder = next.handlerId; // state unknown: ended when the connection closes
            next.reject(e as Error);
          }
          this.running = undefined;
          if (this.closed.delete(next.handlerId) && this.holder === next.handlerId) await this.endTurn();
        });
      }
    } finally {
      this.draining = false;
    }
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    return this.db.runExclusive(fn);
  }

  /**
   * Whatever the departed holder left open: an unfinished extended-protocol sequence or a
   * transaction (ROLLBACK), a sequence skipping to its Sync after an error (Sync), a failed
   * transaction block (ROLLBACK again). Each step is harmless when there is nothing to end.
   */
  private async endTurn(): Promise<void> {
    for (const message of [ROLLBACK, SYNC, ROLLBACK]) {
      await this.db.execProtocolRawStream(message, { onRawData: () => undefined }).catch(() => undefined);
    }
    this.holder = undefined;
  }
}

const ROLLBACK = simpleQuery('ROLLBACK');
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S'

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header.write('Q');
  header.writeInt32BE(4 + text.length, 1);
  return new Uint8Array(Buffer.concat([header, text]));
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

/** Follows the backend's messages in one response: is the last one ReadyForQuery with status idle? */
class ReadyForQueryWatcher {
  private header: number[] = [];
  private type = 0;
  private left = 0;
  private status = 0;

  get idle(): boolean {
    return this.type === READY_FOR_QUERY && this.left === 0 && this.header.length === 0 && this.status === IDLE;
  }

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.left > 0) {
        if (this.type === READY_FOR_QUERY) this.status = chunk[i]; // its body is the one status byte
        const take = Math.min(this.left, chunk.length - i);
        this.left -= take;
        i += take;
        continue;
      }
      this.header.push(chunk[i++]);
      if (this.header.length < 5) continue;
      const [type, a, b, c, d] = this.header;
      this.type = type;
      this.left = ((a << 24) | (b << 16) | (c << 8) | d) - 4;
      this.status = 0;
      this.header = [];
    }
  }
}
