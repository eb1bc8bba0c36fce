// bench/types/peers.d.ts
// The peers' APIs as bench/servers/oauth2orize.js and node-oauth.js wire them (their READMEs); none ships types.

declare module 'oauth2orize' {
  import type { ErrorRequestHandler, RequestHandler } from 'express';

  type IssueDone = (err: Error | null, accessToken?: string | false, refreshToken?: string, params?: Record<string, unknown>) => void;
  interface Exchange {
    readonly exchange: true;
  }
  interface Server {
    exchange(exchange: Exchange): void;
    token(): RequestHandler;
    errorHandler(): ErrorRequestHandler;
  }

  export function createServer(): Server;
  export const exchange: {
    password<C>(issue: (client: C, username: string, password: string, scope: string[] | undefined, done: IssueDone) => void): Exchange;
    refreshToken<C>(issue: (client: C, refreshToken: string, scope: string[] | undefined, done: IssueDone) => void): Exchange;
  };
}

declare module 'passport-http' {
  import { Strategy } from 'passport';

  export class BasicStrategy extends Strategy {
    constructor(verify: (username: string, password: string, done: (err: Error | null, user?: object | false) => void) => void);
  }
}

declare module 'passport-http-bearer' {
  import { Strategy as PassportStrategy } from 'passport';

  export class Strategy extends PassportStrategy {
    constructor(verify: (token: string, done: (err: Error | null, user?: object | false, info?: object) => void) => void);
  }
}

declare module '@node-oauth/express-oauth-server' {
  import type { RequestHandler } from 'express';

  class ExpressOAuthServer {
    constructor(options: { model: object; useErrorHandler?: boolean });
    token(): RequestHandler;
    authenticate(): RequestHandler;
  }

  export = ExpressOAuthServer;
}
