import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';

/**
 * One loopback port that speaks both https and plain http (by the first byte: a TLS handshake starts
 * with 0x16), so a test can redirect from https://127.0.0.1:P to http://127.0.0.1:P, a downgrade on the
 * same host and port. The certificate is self-signed for 127.0.0.1, made with openssl in `dir`; a process
 * trusts it through NODE_EXTRA_CA_CERTS=`certFile` (read at start, so it is for child processes).
 */
export async function mixedPort(
  dir: string,
  handler: http.RequestListener,
): Promise<{ port: number; certFile: string; close(): Promise<void> }> {
  const keyFile = path.join(dir, 'loopback-key.pem');
  const certFile = path.join(dir, 'loopback-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const secure = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, handler);
  const plain = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (first) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    certFile,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
