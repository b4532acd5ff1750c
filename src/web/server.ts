import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Runtime } from '../actions/runtime';
import { SluiceError } from '../errors/errors';
import { createApp } from './app';

export interface WebServer {
  /** Where it listens (`http://127.0.0.1:8080`). */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the UI and the API on SLUICE_WEB_HOST:SLUICE_WEB_PORT until closed. It keeps no state. */
export async function startWebServer(rt: Runtime): Promise<WebServer> {
  const { app, close } = createApp(rt);
  const server = http.createServer(app);
  const { host, port } = rt.config.web;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new SluiceError(
          'CONFIG_INVALID',
          e.code === 'EADDRINUSE'
            ? `the web server cannot listen on ${host}:${port}: the port is in use (set SLUICE_WEB_PORT)`
            : `the web server cannot listen on ${host}:${port}: ${e.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}`,
    async close() {
      close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
