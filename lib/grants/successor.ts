// lib/grants/successor.ts
// Refresh-token successors derived from the presented token, so a retry within the reuse grace gets the same one back.

import { createHmac } from 'node:crypto';
import type { Config } from '../options';

/**
 * Only a hash of each refresh token is stored, so a successor handed out once can be handed out again only if it
 * can be computed again: successor = HMAC-SHA256(key, presented token). Unguessable without both the server key
 * and the presented token (256 bits, RFC 9700 §4.14), and the same on every instance that shares the key
 * (`config.successorKey`, see options/refresh-reuse.ts).
 */
export function successorToken(config: Config, presented: string): string {
  return createHmac('sha256', config.successorKey).update(presented).digest('base64url');
}
