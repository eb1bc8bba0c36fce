// __tests__/stores/redis/instances.ts
// Starts app instances as separate processes (fixtures/instance.js over the built dist) and talks to them over HTTP.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { rsaPem } from '../../helpers/keys';

const FIXTURE = path.join(__dirname, 'fixtures', 'instance.js');
const DIST = path.join(__dirname, '..', '..', '..', 'dist', 'index.js');

export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

export interface InstanceState {
  readonly errors: number;
  readonly errorMessages: string[];
  readonly reused: number;
  readonly refreshed: number;
  readonly revocations: Array<{ kind: string; id: string } | null>;
  readonly pid: number;
}

/** One app process. Requests carry a client-side deadline so a hang fails the test instead of stalling it. */
export class Instance {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** `fixture`: another app file with the same /test endpoints (e.g. the PostgresStore one in __tests__/stores/postgres). */
  static async start(
    name: string,
    env: { REDIS_URL: string; PREFIX: string; COMMAND_TIMEOUT_MS?: string } | Record<string, string>,
    fixture = FIXTURE,
  ): Promise<Instance> {
    if (!existsSync(DIST)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const child = spawn(process.execPath, [fixture], {
      env: { ...process.env, ...env, SIGNING_KEY_PEM: rsaPem() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /READY (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code}): ${stderr}`)));
    });
    return new Instance(name, `http://127.0.0.1:${port}`, child);
  }

  async token(params: Record<string, string>): Promise<Reply> {
    return this.request('POST', '/oauth2/token', new URLSearchParams(params).toString(), 'application/x-www-form-urlencoded');
  }

  login(): Promise<Reply> {
    return this.token({ grant_type: 'password', username: 'alice', password: 'correct horse', client_id: 'cli', scope: 'orders profile' });
  }

  refresh(refreshToken: string): Promise<Reply> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'cli' });
  }

  me(accessToken: string): Promise<Reply> {
    return this.request('GET', '/api/me', undefined, undefined, { Authorization: `Bearer ${accessToken}` });
  }

  async state(): Promise<InstanceState> {
    return (await this.request('GET', '/test/state')).body as unknown as InstanceState;
  }

  testCall(method: 'GET' | 'POST', route: string, body?: unknown): Promise<Reply> {
    return this.request(method, `/test${route}`, body === undefined ? undefined : JSON.stringify(body), 'application/json');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async request(method: string, route: string, body?: string, type?: string, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(this.url + route, {
      method,
      body,
      headers: { ...(type ? { 'Content-Type': type } : {}), ...headers },
      // Far above the store's command timeout: a response later than this is a hang.
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { unparsable: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}
