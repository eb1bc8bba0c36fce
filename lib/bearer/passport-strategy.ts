// lib/bearer/passport-strategy.ts
// passport's Strategy base class, typed by its protocol so the public typings never import passport's own types.

import { Strategy } from 'passport';

/**
 * The strategy protocol as passport drives it (passport lib/middleware/authenticate.js): `authenticate(req)` runs on
 * a per-request copy that passport gives these actions, and it ends in exactly one of them. Written out here, so an
 * app that does not use passport needs no `@types/passport` to compile against our declarations (TS7016).
 */
export interface PassportStrategyProtocol {
  name?: string;
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  pass(): void;
  error(err: unknown): void;
}

/** passport's Strategy at run time (so `instanceof passport.Strategy` still holds), typed as the protocol above. */
export const PassportStrategy = Strategy as unknown as new () => PassportStrategyProtocol;
