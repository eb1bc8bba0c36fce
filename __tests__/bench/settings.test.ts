// __tests__/bench/settings.test.ts
// The bench's settings (bench/settings.js) as docs/performance.md "How to run" documents them: the rounds and windows
// of a full and a --quick run, the knobs that override them, and which groups and rows BENCH_ONLY, BENCH_ROWS and
// --quick select, and when RESULTS.md is written.

interface Settings {
  quick: boolean;
  runs: number;
  protectedRuns: number;
  duration: number;
  tokenDuration: number;
  tokenRuns: number;
  loopRuns: number;
  warmup: number;
  refreshRuns: number;
  growth: number[];
  growthRedis: number;
  write: boolean;
  steadySkip: number;
  note: string | undefined;
  measures: (group: string) => boolean;
  forGroup: <S extends { id: string }>(group: 'token' | 'refresh' | 'protected', scenarios: S[]) => S[];
  quickSkips: (group: string) => boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readSettings } = require('../../bench/settings') as { readSettings: (env: NodeJS.ProcessEnv, argv: readonly string[]) => Settings };

const ARGV = ['node', 'bench/run.js'];
const ids = (list: { id: string }[]) => list.map((sc) => sc.id);
const rows = (...names: string[]) => names.map((id) => ({ id }));
const GROUPS = ['token', 'refresh', 'protected', 'loop', 'growth', 'sqlsize', 'memory'];

describe('bench/settings', () => {
  it('a full run: 7 token rounds, 5 of everything else, 5 s windows, growth to 1M, RESULTS.md written', () => {
    expect(readSettings({}, ARGV)).toMatchObject({
      quick: false,
      runs: 3,
      tokenRuns: 7,
      protectedRuns: 15,
      refreshRuns: 5,
      loopRuns: 5,
      duration: 5,
      tokenDuration: 5,
      warmup: 1.5,
      steadySkip: 1,
      growth: [1000, 100000, 1000000],
      growthRedis: 100000,
      write: true,
    });
  });

  it.each([
    ['--quick', {}, [...ARGV, '--quick']],
    ['BENCH_QUICK=1', { BENCH_QUICK: '1' }, ARGV],
  ])('%s: one round of 1 s per group, growth to 100k (RedisStore 10k), nothing written', (_name, env, argv) => {
    expect(readSettings(env, argv)).toMatchObject({
      quick: true,
      runs: 1,
      tokenRuns: 1,
      protectedRuns: 1,
      refreshRuns: 1,
      loopRuns: 1,
      duration: 1,
      tokenDuration: 1,
      warmup: 0.3,
      steadySkip: 0.5,
      growth: [1000, 100000],
      growthRedis: 10000,
      write: false,
    });
  });

  it('the knobs override the defaults; BENCH_WRITE=1 writes a --quick run', () => {
    const env = {
      BENCH_RUNS: '2',
      BENCH_TOKEN_RUNS: '9',
      BENCH_PROTECTED_RUNS: '15',
      BENCH_REFRESH_RUNS: '4',
      BENCH_LOOP_RUNS: '6',
      BENCH_DURATION: '3',
      BENCH_TOKEN_DURATION: '4',
      BENCH_GROWTH: '10,20',
      BENCH_GROWTH_REDIS: '0',
      BENCH_NOTE: 'quiet machine',
      BENCH_WRITE: '1',
    };
    expect(readSettings(env, [...ARGV, '--quick'])).toMatchObject({
      runs: 2,
      tokenRuns: 9,
      protectedRuns: 15,
      refreshRuns: 4,
      loopRuns: 6,
      duration: 3,
      tokenDuration: 4,
      growth: [10, 20],
      growthRedis: 0,
      note: 'quiet machine',
      write: true,
    });
  });

  it('BENCH_ONLY runs the groups it names, and RESULTS.md is not written', () => {
    const s = readSettings({ BENCH_ONLY: 'refresh,growth' }, ARGV);
    expect(GROUPS.filter((g) => s.measures(g))).toEqual(['refresh', 'growth']);
    expect(s.write).toBe(false);
    expect(GROUPS.filter((g) => readSettings({}, ARGV).measures(g))).toEqual(GROUPS);
  });

  it("BENCH_ONLY=sql: the token and protected groups and the SQL sizes, each group its ceiling and the SQL stores' rows", () => {
    const s = readSettings({ BENCH_ONLY: 'sql' }, ARGV);
    expect(GROUPS.filter((g) => s.measures(g))).toEqual(['token', 'protected', 'sqlsize']);
    expect(ids(s.forGroup('token', rows('ceiling', 'ours-public', 'ours-postgres', 'node-oauth', 'ours-sqlite')))).toEqual([
      'ceiling',
      'ours-postgres',
      'ours-sqlite',
    ]);
  });

  it("BENCH_ROWS measures the rows it names beside each group's first, and RESULTS.md is not written", () => {
    const s = readSettings({ BENCH_ROWS: 'ours-public,ours-finduser-public' }, ARGV);
    expect(ids(s.forGroup('refresh', rows('ceiling', 'ours-public', 'ours-conf', 'ours-finduser-public')))).toEqual([
      'ceiling',
      'ours-public',
      'ours-finduser-public',
    ]);
    expect(ids(s.forGroup('protected', rows('bare', 'ours-memory')))).toEqual(['bare']);
    expect(s.write).toBe(false);
  });

  it('--quick keeps the rows the ratios read and leaves the event loop, SQL sizes and memory to the full run', () => {
    const s = readSettings({}, [...ARGV, '--quick']);
    expect(ids(s.forGroup('token', rows('ceiling', 'ours-public', 'ours-confidential', 'oauth2orize', 'ours-postgres')))).toEqual([
      'ceiling',
      'ours-public',
      'ours-confidential',
    ]);
    expect(GROUPS.filter((g) => s.quickSkips(g))).toEqual(['loop', 'sqlsize', 'memory']);
    // ... unless BENCH_ONLY names them: then every row of the groups named runs.
    const only = readSettings({ BENCH_ONLY: 'loop,token' }, [...ARGV, '--quick']);
    expect(GROUPS.filter((g) => only.quickSkips(g))).toEqual([]);
    expect(ids(only.forGroup('token', rows('ceiling', 'oauth2orize')))).toEqual(['ceiling', 'oauth2orize']);
  });
});
