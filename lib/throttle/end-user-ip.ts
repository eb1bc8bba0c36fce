// lib/throttle/end-user-ip.ts
// The IP a login is attributed to: req.ip (as Express's `trust proxy` decides), or, for a confidential client that
// opted in with `forwardedIpHeader`, the end user's address as that backend reports it.

import { isIP } from 'node:net';
import type { Request } from 'express';
import type { Client } from '../types';

/**
 * A confidential client is authenticated by now, so a header it sets is its word, not a stranger's; a public
 * client could put anything there, so its header is never read. A missing or malformed header falls back to req.ip.
 */
export function endUserIp(req: Request, client: Client): string | undefined {
  const header = client.forwardedIpHeader;
  if (header === undefined || client.secretHash === undefined) return req.ip;
  const value = req.headers[header.toLowerCase()];
  if (typeof value !== 'string') return req.ip;
  // The backend sends one address; if it forwards a list, the first is the client furthest away.
  const first = value.split(',', 1)[0].trim();
  return isIP(first) !== 0 ? first : req.ip;
}
