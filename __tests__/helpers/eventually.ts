// __tests__/helpers/eventually.ts
// The one way tests wait for something asynchronous: poll a condition until it holds, or fail naming what never came.

export interface EventuallyOptions {
  /** Give up after this long. Default 10 s: generous, since a loaded CI box is slow, and a pass returns at once. */
  readonly timeoutMs?: number;
  /** Pause between checks. Default 25 ms. */
  readonly intervalMs?: number;
}

/**
 * Resolves as soon as `check` returns (or resolves to) true; rejects with "timed out waiting for <what>" once
 * `timeoutMs` has passed. It waits, it asserts nothing about time: a slow pass is still a pass.
 * @example await eventually(async () => (await subscribers()) === 1, 'the subscription');
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, options: EventuallyOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
