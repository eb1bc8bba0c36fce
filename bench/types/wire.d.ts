// bench/types/wire.d.ts
// The JSON the bench's child processes send the runner: the servers' GET /bench/* read-outs and their answers to
// logins, and what bench/memory.js and bench/sql-size.js print.

/** POST /oauth2/token (and the peers' token routes): the fields the runner reads. */
export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token: string;
}

/** GET /bench/cpu: `process.cpuUsage()` of the server process, µs. */
export type CpuUsage = NodeJS.CpuUsage;

/** GET /bench/gc (bench/servers/ours.js with GC_STATS=1): time the main thread spent in GC since it started. */
export interface GcTotals {
  ms: number;
  count: number;
}

/** GET /bench/prefill (bench/servers/ours.js with PREFILL=n): what storing n refresh tokens cost. */
export interface PrefillStats {
  count: number;
  seconds?: number;
  /** Per-token figures: only under --expose-gc (forced GC before and after). */
  heapPerToken?: number;
  offHeapPerToken?: number;
  rssPerToken?: number;
  heapUsedMB?: number;
  rssMB?: number;
  /** RedisStore only: INFO memory's used_memory, and MEMORY USAGE of the bench's keys, per token. */
  redisUsedMemoryPerToken?: number;
  redisMemoryUsagePerToken?: number;
  redisKeysPerToken?: number;
}

/** bench/memory.js: 100k refresh tokens in a MemoryStore. */
export interface MemoryRun {
  tokens: number;
  stored: number;
  heapPerToken: number;
  offHeapPerToken: number;
  rssPerToken: number;
  heapUsedMB: number;
  rssMB: number;
}

/** bench/memory.js with MEMORY_FAILED_IDENTITIES=n: the throttle state of n distinct failed logins. */
export interface ThrottleMemory {
  failedIdentities: number;
  counterWrites: number;
  stored: number;
  tokensKept: number;
  heapGrowthMB: number;
  heapUsedMB: number;
  rssMB: number;
  seconds: number;
}

/** bench/sql-size.js: bytes per stored refresh token of one SQL store. */
export interface SqlSize {
  store: 'PostgresStore' | 'SqliteStore';
  stored: number;
  bytesPerToken: number;
  /** PostgresStore only: the table's heap and its indexes. */
  heapPerToken?: number;
  indexPerToken?: number;
  totalMB: number;
}
