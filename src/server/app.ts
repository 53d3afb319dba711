import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import {
  refuseCrossOriginWrite,
  requirePasswordChosen,
  resolvePrincipal,
  sendError,
  type RouteContext,
} from '../api/http.ts';
import { transformOpenApi } from '../api/openapi.ts';
import { registerApiRoutes } from '../api/routes/index.ts';
import { AuthService } from '../auth/service.ts';
import { SegmentService } from '../segments/service.ts';
import { TagService } from '../tags/service.ts';
import { AppError } from '../shared/errors.ts';
import type { AppDeps } from '../api/deps.ts';
import { registerRateLimit, registerSecurityHeaders } from './security.ts';
import { bodyNestingError, refusedRuleError, toAppError } from './http-errors.ts';
import { tagSource } from '../tags/segment-source.ts';
import { wecomClientFromConfig } from '../wecom/client.ts';
import type { WecomApi } from '../wecom/port.ts';

const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Request bodies above this are refused with 413 before parsing (a 1,000-event batch is ~0.5 MB). */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** Builds the HTTP app: API under /v1, OpenAPI at /docs, probes, and the dashboard. */
export async function createApp(
  deps: AppDeps & { tags?: TagService; segments?: SegmentService; wecom?: WecomApi },
): Promise<FastifyInstance> {
  // One business day: the clock every route reads "today" from must cut days where the configuration says.
  if (deps.clock.timeZone !== deps.config.timeZone)
    throw new AppError(
      'internal',
      `the clock's time zone ${deps.clock.timeZone} is not FLYWHEEL_TIMEZONE (${deps.config.timeZone})`,
    );
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // A URL the router cannot even decode (%ff, an over-long parameter) answers the API's error shape too.
    frameworkErrors: (error, _req, reply) => sendError(reply, toAppError(error, BODY_LIMIT_BYTES).appError),
    // Per-request access lines only when debugging: at 50k events/s they would dominate the log.
    // Behind a reverse proxy, its X-Forwarded-* headers give the client's address, HTTPS and the host asked for.
    trustProxy: deps.config.trustProxy,
    logController: new LogController({
      disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace',
    }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await registerSecurityHeaders(app);
  await registerRateLimit(app);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Flywheel API', version: '0.1.0', description: 'Customer operations for retail banks' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'fw_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // the shared contracts (Rule, Population, Breakdown) as components every route refers to
    transformObject: transformOpenApi,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const ctx: RouteContext = {
    ...deps,
    auth: new AuthService({
      db: deps.stores.operational.db,
      clock: deps.clock,
      sessionTtlHours: deps.config.sessionTtlHours,
      passwordCost: deps.config.passwordCost,
    }),
    tags:
      deps.tags ??
      new TagService({
        db: deps.stores.operational.db,
        events: deps.stores.events,
        sandbox: () => deps.stores.operational.sandbox(),
        clock: deps.clock,
        logger: deps.logger,
      }),
    segments:
      deps.segments ??
      new SegmentService({
        tags: tagSource,
        db: deps.stores.operational.db,
        events: deps.stores.events,
        clock: deps.clock,
        logger: deps.logger.child({ component: 'segments' }),
      }),
    wecom: deps.wecom ?? wecomClientFromConfig(deps.config, deps.logger.child({ component: 'wecom' })),
  };

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    refuseCrossOriginWrite(req);
    if (!req.url.startsWith('/v1/')) return;
    req.principal = await resolvePrincipal(req, ctx.auth);
    requirePasswordChosen(req);
  });

  // Any JSON body, before its route's schema: nesting beyond MAX_BODY_DEPTH is refused here, so that no route can
  // overflow the stack walking or serialising it; then every rule the body holds where the schema takes the Rule
  // contract is parsed, so a bad one is a 400 invalid_rule locating each problem (src/server/http-errors.ts).
  app.addHook('preValidation', async (req) => {
    const refused = bodyNestingError(req.body) ?? refusedRuleError(req.routeOptions.schema?.body, req.body);
    if (refused) throw refused;
  });

  app.setErrorHandler((error, req, reply) => {
    const { appError, log } = toAppError(error, BODY_LIMIT_BYTES);
    if (log === 'error') req.log.error({ err: error }, 'unhandled error');
    else if (log === 'warn')
      req.log.warn({ err: error }, 'input refused by the database, not by a route check');
    return sendError(reply, appError);
  });

  await app.register(async (scope) => {
    registerApiRoutes(scope.withTypeProvider<ZodTypeProvider>(), ctx);
  });

  await registerDashboard(app);
  return app;
}

async function registerDashboard(app: FastifyInstance): Promise<void> {
  const built = existsSync(WEB_DIST + 'index.html');
  if (built) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
  }
  // Client-side routes all load the single-page app; unknown API paths stay JSON 404s.
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (
      req.method === 'GET' &&
      !path.startsWith('/v1/') &&
      !path.startsWith('/docs') &&
      !/\.[a-z0-9]+$/i.test(path)
    ) {
      if (built) return reply.type('text/html').sendFile('index.html');
      return reply
        .type('text/html')
        .send('<h1>Flywheel</h1><p>The dashboard is not built: run <code>npm run build:web</code>.</p>');
    }
    return sendError(reply, new AppError('not_found', `no route ${req.method} ${path}`));
  });
}
