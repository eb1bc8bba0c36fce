// __tests__/helpers/linear-cost.ts
// Measures how a request's cost grows with a hostile input: the ratio of median CPU times at sizes n and 2n.

import type { Server } from 'node:http';
import type express from 'express';

/** Listens once on an ephemeral port, so each measured request pays no server start-up. */
export function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * CPU time (user + system, microseconds) this process spent while `once` ran: the test drives an in-process
 * server, so this is the request's cost on both ends, and unlike wall time it does not count the time other
 * processes on a busy machine held the CPU.
 */
async function timed(once: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await once();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const median = (times: number[]): number => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];

/**
 * Median CPU time of `send(make(2n))` over that of `send(make(n))`, after a warm-up of each, the sizes measured
 * alternately. A linear cost gives about 2 (less when the fixed cost of an HTTP round trip dominates); a quadratic
 * one about 4.
 */
export async function doublingRatio(make: (n: number) => string, n: number, send: (input: string) => Promise<unknown>, runs = 9): Promise<number> {
  const small = make(n);
  const large = make(2 * n);
  for (let i = 0; i < 2; i++) {
    await send(small);
    await send(large);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await timed(() => send(small)));
    b.push(await timed(() => send(large)));
  }
  return median(b) / median(a);
}
