// lib/stores/redis/redis-commands.ts
// How RedisStore talks to Redis: prefixed keys, a timeout on every call, fail-fast while the connection is down,
// and Lua scripts by EVALSHA with a fallback to EVAL on NOSCRIPT.

import { createHash } from 'node:crypto';
import { isConnectionDown, RedisStoreError, withTimeout, type RedisArg, type RedisClientLike } from './redis-client';
import { SCRIPTS, type ScriptName } from './redis-scripts';

export class RedisCommands {
  private readonly shas: Record<ScriptName, string>;

  constructor(
    readonly client: RedisClientLike,
    readonly prefix: string,
    private readonly timeoutMs: number,
  ) {
    const entries = Object.entries(SCRIPTS).map(([name, source]) => [name, createHash('sha1').update(source).digest('hex')]);
    this.shas = Object.fromEntries(entries) as Record<ScriptName, string>;
  }

  key(kind: string, id: string): string {
    return `${this.prefix}${kind}${id}`;
  }

  command(command: string, ...args: RedisArg[]): Promise<unknown> {
    return this.guarded(command, () => this.client.call(command, ...args));
  }

  /**
   * EVALSHA; on NOSCRIPT (a restarted or flushed Redis, or a cluster node that has not seen it) runs the source
   * with EVAL, which also caches it on the server that owns the keys (a SCRIPT LOAD could land on another node).
   */
  script(name: ScriptName, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown> {
    return this.guarded(name, async () => {
      try {
        return await this.client.call('EVALSHA', this.shas[name], keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return this.client.call('EVAL', SCRIPTS[name], keys.length, ...keys, ...args);
      }
    });
  }

  private guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (isConnectionDown(this.client)) {
      return Promise.reject(new RedisStoreError(`redis ${operation} refused: connection is ${this.client.status}`));
    }
    return withTimeout(run, this.timeoutMs, operation).catch((err: unknown) => {
      if (err instanceof RedisStoreError) throw err;
      throw new RedisStoreError(`redis ${operation} failed`, err);
    });
  }
}
