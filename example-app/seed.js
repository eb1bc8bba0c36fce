// example-app/seed.js
// The demo users and clients written into a fresh database, and the plain credentials printed for newcomers.

/** Demo credentials. They are printed on purpose: this is a local demo, never a deployment. */
const DEMO_USERS = [
  { email: 'alice@example.com', password: 'wonderland', name: 'Alice Liddell', scopes: null },
  // bob may grant only "orders": a token he gets never carries "profile", so /api/me answers him 403.
  { email: 'bob@example.com', password: 'builder-bob', name: 'Bob Builder', scopes: 'orders' },
];

const DEMO_CLIENTS = [
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

const DEMO_ORDERS = [
  { email: 'alice@example.com', item: 'Looking-glass', total: 42.5 },
  { email: 'alice@example.com', item: 'Pocket watch', total: 19.99 },
  { email: 'bob@example.com', item: 'Spanner set', total: 35 },
];

module.exports = { DEMO_USERS, DEMO_CLIENTS, DEMO_ORDERS };
