// __tests__/helpers/tcp-proxy.ts
// A TCP proxy the test controls, to take a database "down" without touching the shared server: cut, black-hole, restore.

import net from 'node:net';
import { sparePort } from './spare-port';

/**
 * Forwards 127.0.0.1:<port> to `target`. `cut()` resets every connection and refuses new ones (a stopped server);
 * `blackHole()` accepts connections but forwards nothing (an unreachable host: connects and queries hang);
 * `restore()` forwards again on the same port.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'forward' | 'blackhole' = 'forward';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    // Outside the ephemeral range: a client redialling the cut port must not be given it as its own source port.
    if (this.port === 0) this.port = await sparePort();
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Resets every open connection and closes the port. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }

  /** Keeps the port open but forwards nothing, on open and new connections alike. */
  async blackHole(): Promise<void> {
    this.mode = 'blackhole';
    for (const socket of this.sockets) socket.pause();
    if (this.server === undefined) await this.start();
  }

  async restore(): Promise<void> {
    this.mode = 'forward';
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (this.server === undefined) await this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    if (this.mode === 'blackhole') {
      socket.pause();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      socket.destroy();
    });
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  }
}
