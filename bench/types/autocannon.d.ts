// bench/types/autocannon.d.ts
// The parts of autocannon 9 the bench uses (its README's "API" section); autocannon ships no types.

declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** One request of a sequence; `setupRequest` and `onResponse` run in this process for every request sent. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }

    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests per second from all connections together. */
      overallRate?: number;
    }

    /** An hdr-histogram-percentiles-obj summary. */
    interface Histogram {
      average: number;
      p50: number;
      p99: number;
      max: number;
    }

    interface Result {
      latency: Histogram;
      /** Seconds. */
      duration: number;
      '2xx': number;
      non2xx: number;
      /** Connection errors, timeouts included. */
      errors: number;
      timeouts: number;
    }

    interface Instance extends EventEmitter {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, callback: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
