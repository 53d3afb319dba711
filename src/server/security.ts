// HTTP hardening shared by every response: security headers (helmet) with a content security policy fit for the
// built dashboard and the OpenAPI UI at /docs, and the coarse per-address limit on password checks.
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';

/**
 * The policy of every page: scripts only from this origin (the Vite bundle and the OpenAPI UI's files have no inline
 * script); inline styles allowed, since Ant Design writes its CSS-in-JS into <style> elements and index.html carries a
 * small one; ECharts draws on canvas (data: and blob: images for its exports); no framing by anyone.
 */
const DASHBOARD_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'worker-src': ["'self'", 'blob:'],
};

/** Security headers on every response (API, dashboard, /docs, errors): CSP, nosniff, no framing, referrer, … */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    // Without useDefaults helmet would add upgrade-insecure-requests, which breaks a plain-HTTP installation.
    contentSecurityPolicy: { useDefaults: false, directives: DASHBOARD_CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * The coarse per-process limiter (the store-backed throttle is src/auth/login-throttle.ts), applied to the routes
 * that set `config.rateLimit` (PASSWORD_ROUTE_RATE_LIMIT: sign-in, password change).
 */
export async function registerRateLimit(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) =>
      new AppError(
        'too_many_attempts',
        `too many password attempts from this address: try again in ${context.after}`,
        { scope: 'address_rate', limit: context.max, retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      ),
  });
}
