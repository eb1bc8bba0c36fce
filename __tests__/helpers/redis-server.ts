// __tests__/helpers/redis-server.ts
// A private redis-server on a spare loopback port, for fault tests: stopped, paused and killed by ITS pid only.

import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';
import { sparePort } from './spare-port';

export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** One redis-server child process we own. `kill()` is SIGKILL to our pid; `start()` brings it back on the same port. */
export class PrivateRedis {
  readonly url: string;
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'epg-redis-'));

  private constructor(
    readonly port: number,
    private readonly persistent: boolean,
    private readonly extraArgs: readonly string[] = [],
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  /**
   * Starts redis-server on `port` (default: a spare one). `persistent`: AOF with fsync on every write, so a SIGKILL
   * loses nothing acknowledged; otherwise no persistence at all.
   */
  static async launch(options: { port?: number; persistent?: boolean; args?: readonly string[] } = {}): Promise<PrivateRedis> {
    const server = PrivateRedis.on(options.port ?? (await sparePort()), options);
    await server.start();
    return server;
  }

  /** A server for `port` that is not started yet (to test a Redis that is unreachable, then appears). */
  static on(port: number, options: { persistent?: boolean; args?: readonly string[] } = {}): PrivateRedis {
    return new PrivateRedis(port, options.persistent ?? false, options.args);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', this.dir, '--daemonize', 'no', ...this.extraArgs];
    const child = spawn(REDIS_SERVER_BIN, args, { stdio: 'ignore' });
    this.child = child;
    await this.waitForPing();
  }

  /** SIGKILL to our own redis-server: no shutdown, as a crash would be. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP / SIGCONT: a Redis that accepts connections but never answers (a slow or hung server). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitForPing(): Promise<void> {
    await eventually(() => pingOnce(this.port), `redis-server on port ${this.port} to start`, { intervalMs: 50 });
  }
}

/** One inline PING over a plain socket (no client library, so no reconnect timers left behind). */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Three private redis-servers in cluster mode, all 16384 slots assigned (no replicas): a real Redis Cluster. */
export class PrivateCluster {
  private constructor(readonly nodes: readonly PrivateRedis[]) {}

  static async launch(): Promise<PrivateCluster> {
    const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'];
    const nodes = await Promise.all([0, 1, 2].map(() => PrivateRedis.launch({ args })));
    const cluster = new PrivateCluster(nodes);
    try {
      const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
      await new Promise<void>((resolve, reject) => {
        const cli = spawn(REDIS_CLI_BIN, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
        cli.once('error', reject);
        cli.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create exited with ${code}`))));
      });
      await cluster.waitUntilOk();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** Where a cluster client starts from. */
  get startupNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  private async waitUntilOk(): Promise<void> {
    const ok = async (): Promise<boolean> =>
      (await Promise.all(this.nodes.map((n) => commandOnce(n.port, 'CLUSTER INFO')))).every((info) => info.includes('cluster_state:ok'));
    await eventually(ok, 'the private Redis Cluster to reach cluster_state:ok', { timeoutMs: 15_000, intervalMs: 100 });
  }
}

export const REDIS_CLI_BIN = process.env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli';

/** The raw reply to one inline command over a plain socket ('' when there is none within a second). */
function commandOnce(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(1000, done);
    socket.once('error', done);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      // A bulk reply: "$<length>\r\n<body>\r\n"; done once the body has arrived.
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (header === null || reply.length >= header[0].length + Number(header[1]) + 2) done();
    });
  });
}
