// example-app/seed.ts
// The demo users and clients written into a fresh database, and the plain credentials printed for newcomers.

import type { GrantType } from 'express-password-grant';

export interface DemoUser {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  /** Space-separated scopes the user may grant; null = no limit. */
  readonly scopes: string | null;
}

export interface DemoClient {
  readonly id: string;
  /** null = a public client (token endpoint auth method "none"). */
  readonly secret: string | null;
  readonly grants: readonly GrantType[];
  readonly scopes: readonly string[];
  readonly defaultScopes?: readonly string[];
}

export interface DemoOrder {
  readonly email: string;
  readonly item: string;
  readonly total: number;
}

/** Demo credentials. They are printed on purpose: this is a local demo, never a deployment. */
export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'alice@example.com', password: 'wonderland', name: 'Alice Liddell', scopes: null },
  // bob may grant only "orders": a token he gets never carries "profile", so /api/me answers him 403.
  { email: 'bob@example.com', password: 'builder-bob', name: 'Bob Builder', scopes: 'orders' },
];

export const DEMO_CLIENTS: readonly DemoClient[] = [
  {
    // Confidential: authenticates with client_secret_basic or client_secret_post.
    id: 'demo-web',
    secret: 'demo-web-secret',
    grants: ['password', 'refresh_token'],
    scopes: ['openid', 'profile', 'email', 'orders', 'offline_access'],
    defaultScopes: ['profile', 'orders'],
  },
  {
    // Public (a CLI or mobile app cannot keep a secret): sends only client_id.
    id: 'demo-cli',
    secret: null,
    grants: ['password', 'refresh_token'],
    scopes: ['openid', 'profile', 'orders'],
    defaultScopes: ['profile', 'orders'],
  },
];

export const DEMO_ORDERS: readonly DemoOrder[] = [
  { email: 'alice@example.com', item: 'Looking-glass', total: 42.5 },
  { email: 'alice@example.com', item: 'Pocket watch', total: 19.99 },
  { email: 'bob@example.com', item: 'Spanner set', total: 35 },
];
