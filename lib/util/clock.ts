// lib/util/clock.ts
// Seconds since the epoch, from an injectable millisecond clock.

export type Clock = () => number;

export const epochSeconds = (clock: Clock): number => Math.floor(clock() / 1000);
