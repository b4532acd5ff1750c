/**
 * Live pages: each open page holds a server-sent event stream and reloads its changing parts when
 * told. The server watches one marker (state/web-views liveMarker) while anyone is connected: it
 * looks at once when this process or NOTIFY says something changed, and every 500 ms anyway, for
 * changes made by processes whose notices do not reach it.
 */
import type { Request, Response } from 'express';
import type { Database } from '../db/database';
import { liveMarker } from '../state/web-views';

const POLL_MS = 500;
const KEEPALIVE_MS = 15_000;

export interface LiveHub {
  stream(req: Request, res: Response): void;
  close(): void;
}

export function liveHub(db: Database): LiveHub {
  const clients = new Set<Response>();
  let marker: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  let checking = false;
  let again = false;
  const offs: Array<() => void> = [];

  const broadcast = (text: string) => {
    for (const c of clients) c.write(text);
  };
  const check = async () => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      const now = await liveMarker(db);
      if (marker !== undefined && now !== marker) broadcast(`event: change\ndata: ${Date.now()}\n\n`);
      marker = now;
    } catch {
      // the database is away: the next poll tries again
    } finally {
      checking = false;
      if (again) {
        again = false;
        void check();
      }
    }
  };
  const start = () => {
    timer = setInterval(() => void check(), POLL_MS);
    keepalive = setInterval(() => broadcast(': keepalive\n\n'), KEEPALIVE_MS);
    offs.push(
      db.on('tasks', () => void check()),
      db.on('runs', () => void check()),
    );
    void check();
  };
  const stop = () => {
    clearInterval(timer);
    clearInterval(keepalive);
    for (const off of offs.splice(0)) off();
    marker = undefined;
  };
  return {
    stream(req, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      clients.add(res);
      if (clients.size === 1) start();
      req.on('close', () => {
        clients.delete(res);
        if (!clients.size) stop();
      });
    },
    close() {
      for (const c of clients) c.end();
      clients.clear();
      stop();
    },
  };
}
