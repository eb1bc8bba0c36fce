// example-app/keys.ts
// The RS256 signing key: generated on first run and kept in the data dir, so tokens survive restarts.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SigningKeyOption } from 'express-password-grant';

/**
 * The `signingKeys` option for passwordGrant(): { kid, alg: 'RS256', key: PEM }. The kid is the key's
 * RFC 7638 JWK thumbprint, so it changes exactly when the key does.
 */
export function loadSigningKey(dataDir: string, log: (line: string) => void = console.log): SigningKeyOption {
  const file = path.join(dataDir, 'signing-key.pem');
  let pem = readIfExists(file);
  if (pem === undefined) {
    const { privateKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    try {
      fs.writeFileSync(file, privateKey, { mode: 0o600, flag: 'wx' });
      log(`Generated a new RS256 signing key in ${file}`);
    } catch (err) {
      // Another process (a second server, add-user) wrote it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    pem = fs.readFileSync(file, 'utf8');
  }
  return { kid: thumbprint(pem), alg: 'RS256', key: pem };
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

// RFC 7638 §3.2: the required members of an RSA JWK, in lexicographic order, without whitespace.
function thumbprint(pem: string): string {
  const { e, n } = crypto.createPublicKey(pem).export({ format: 'jwk' });
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}
