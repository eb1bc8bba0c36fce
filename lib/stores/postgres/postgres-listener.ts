// lib/stores/postgres/postgres-listener.ts
// PostgresStore's revocation feed: LISTEN on one dedicated connection, reopened with backoff when it drops.

import type { PgClientLike, PgPoolLike } from './postgres-like';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** How often the held connection checks whether the app has ended its pool. */
const POOL_WATCH_MS = 250;

/**
 * Holds one connection out of the app's pool for `LISTEN` (a pooled connection could not: NOTIFY is delivered to the
 * session that listens). `onMessage(payload)` gets every notification on `channel`; `onGap()` is called when the
 * connection drops and again when it is back, because notifications sent in between are lost (PostgreSQL queues
 * them only for live sessions). `stop()` destroys the connection, so the process can exit; so does the app's
 * `pool.end()` (pg-pool waits for every checked-out connection, and would otherwise wait for this one forever).
 */
export class PgNotificationListener {
  private client: PgClientLike | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private poolWatch: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private stopped = false;
  private connecting = false;
  /** A listen attempt failed or the connection dropped since the last successful LISTEN. */
  private missed = false;

  constructor(
    private readonly pool: PgPoolLike,
    private readonly channel: string,
    private readonly onMessage: (payload: string) => void,
    private readonly onGap: () => void,
  ) {}

  start(): void {
    if (this.pool.ending === true) this.stopped = true;
    if (this.stopped || this.connecting || this.client !== undefined) return;
    this.connecting = true;
    this.listen().then(
      () => (this.connecting = false),
      () => {
        this.connecting = false;
        this.missed = true;
        this.scheduleRetry();
      },
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.poolWatch !== undefined) clearInterval(this.poolWatch);
    this.poolWatch = undefined;
    this.drop(true);
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    if (this.stopped) {
      client.release(true);
      return;
    }
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.client !== client) return;
      this.drop(new Error('LISTEN connection lost'));
      this.missed = true;
      this.onGap();
      this.scheduleRetry();
    };
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onMessage(message.payload ?? '');
    });
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      await client.query(`LISTEN "${this.channel}"`);
    } catch (err) {
      lost = true;
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    if (lost) return;
    this.client = client;
    this.watchPool();
    this.retryMs = FIRST_RETRY_MS;
    // Back after a gap (or a first attempt that failed): whatever was revoked meanwhile was not heard.
    if (this.missed) this.onGap();
    this.missed = false;
  }

  /** The app ended its pool without closing the store first: let go, as RedisStore does when its client ends. */
  private watchPool(): void {
    if (this.poolWatch !== undefined) return;
    this.poolWatch = setInterval(() => {
      if (this.pool.ending === true) this.stop();
    }, POOL_WATCH_MS);
    this.poolWatch.unref();
  }

  private drop(reason: Error | true): void {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      client.release(reason);
    } catch {
      // Already released by the pool after a fatal error: nothing left to free.
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, this.retryMs);
    // A retry alone must not keep the process alive; the listening connection is what close() releases.
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
