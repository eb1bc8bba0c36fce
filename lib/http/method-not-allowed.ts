// lib/http/method-not-allowed.ts
// 405 for a method an endpoint does not serve, with `Allow` (RFC 9110 §15.5.6) and the RFC 6749 §5.2 error shape.

import type { Request, Response } from 'express';
import { noStore, sendJson } from './respond';

/** Anything but the methods in `allow`: 405 with the RFC 6749 error shape. */
export function methodNotAllowed(allow: string) {
  return function notAllowed(_req: Request, res: Response): void {
    noStore(res);
    sendJson(res, 405, { error: 'invalid_request', error_description: `Use ${allow}` }, { Allow: allow });
  };
}
