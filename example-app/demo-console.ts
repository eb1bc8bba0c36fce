// example-app/demo-console.ts
// Serves the demo console (public/: index.html, demo.js, demo.css) at `/`, under a strict Content-Security-Policy.

import express from 'express';
import type { RequestHandler } from 'express';
import { PUBLIC_DIR } from './paths';

/**
 * No inline script or style, no other origin: the page runs only its own demo.js and talks only to this app.
 * A page that holds tokens is where an XSS hurts most, so the console shows the policy a real one would want.
 */
export const DEMO_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** express.static over public/, each file with the CSP above, `no-store` (tokens end up on this page) and nosniff. */
export function serveDemoConsole(): RequestHandler {
  return express.static(PUBLIC_DIR, {
    index: 'index.html',
    setHeaders(res) {
      res.setHeader('Content-Security-Policy', DEMO_CONSOLE_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-store');
    },
  });
}
