// __tests__/helpers/keys.ts
// Real keys for tests, generated once per test file.

import { generateKeyPairSync, type KeyObject } from 'node:crypto';

let rsa: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  rsa ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return rsa;
}

export function rsaPem(): string {
  return rsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function ecPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
