// lib/stores/redis/redis-revocations.ts
// The pub/sub side of RedisStore: one subscriber connection, opened on demand, living as long as the app's client,
// fanning revocations out to local listeners, and telling them to flush when messages may have been missed.

import type { RedisClientLike, RedisSubscriberLike } from './redis-client';
import type { Revocation } from '../shared/store';

export type RevocationListener = (revocation: Revocation | undefined) => void;

export class RedisRevocations {
  private readonly listeners = new Set<RevocationListener>();
  private subscriber: RedisSubscriberLike | undefined;
  /** Listeners on the app's client, set while a subscription is wanted (see followClient). */
  private following: { end: () => void; ready: () => void } | undefined;

  constructor(
    private readonly client: RedisClientLike,
    /** The channel revocations are published on. */
    readonly channel: string,
  ) {}

  /**
   * Subscribes `listener`; the duplicate connection is opened at the first call. When that connection drops, and
   * again when it is back, listeners get `undefined`: messages may have been missed.
   */
  add(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    this.followClient();
    if (this.client.status !== 'end') this.subscriber ??= this.subscribe();
    return () => this.listeners.delete(listener);
  }

  /** Closes the pub/sub connection; the app's own client is left to the app. */
  close(): void {
    this.listeners.clear();
    if (this.following !== undefined) {
      this.client.off?.('end', this.following.end);
      this.client.off?.('ready', this.following.ready);
      this.following = undefined;
    }
    this.dropSubscriber();
  }

  /**
   * The duplicate lives as long as the app's client. The app closes the client it created, not connections the
   * library opened behind its back; were the duplicate left open, that process would never exit by itself.
   */
  private followClient(): void {
    if (this.following !== undefined || typeof this.client.on !== 'function') return;
    this.following = {
      end: () => this.dropSubscriber(),
      ready: () => {
        if (this.subscriber === undefined && this.listeners.size > 0) this.subscriber = this.subscribe();
      },
    };
    this.client.on('end', this.following.end);
    this.client.on('ready', this.following.ready);
  }

  private dropSubscriber(): void {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.disconnect();
  }

  private subscribe(): RedisSubscriberLike {
    const subscriber = this.client.duplicate();
    let wasReady = false;
    let up = false;
    subscriber.on('message', (channel, message) => {
      if (channel !== this.channel) return;
      const revocation = decodeRevocation(message);
      // An unreadable message is still a revocation we cannot place: flushing every cache is the safe reading.
      this.broadcast(revocation);
    });
    subscriber.on('ready', () => {
      if (wasReady) this.broadcast(undefined);
      wasReady = true;
      up = true;
    });
    subscriber.on('close', () => {
      if (up) this.broadcast(undefined);
      up = false;
    });
    // Connection errors surface as 'close' and are retried by the client; a listener keeps them from being thrown.
    subscriber.on('error', () => undefined);
    subscriber.subscribe(this.channel).catch(() => this.broadcast(undefined));
    return subscriber;
  }

  private broadcast(revocation: Revocation | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch {
        // One cache's bug must not stop the others from hearing about the revocation.
      }
    }
  }
}

function decodeRevocation(message: string): Revocation | undefined {
  try {
    const value = JSON.parse(message) as Partial<Revocation>;
    if ((value.kind === 'jti' || value.kind === 'family') && typeof value.id === 'string') return { kind: value.kind, id: value.id };
  } catch {
    // fall through
  }
  return undefined;
}
