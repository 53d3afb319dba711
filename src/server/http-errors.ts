import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { refusedRule } from '../segments/parse.ts';
import { invalidRule } from '../segments/service.ts';
import { AppError, failureError, jsonPointer } from '../shared/errors.ts';
import { jsonProblem } from '../shared/text.ts';

// What the API answers for an error a route did not turn into an AppError itself. Bad input is a 4xx naming where it
// is, never a 500: schema violations (zod), oversized bodies, bodies nested beyond MAX_BODY_DEPTH, and — as a safety
// net behind the route schemas (text(), daySchema) and the domain's own checks — the PostgreSQL errors that can only
// come from a value the client sent. Anything else is a 500 `internal`, logged with its stack.

/** Deepest nesting of objects and arrays accepted in any JSON body; the routes' own limits are lower (MAX_JSON_DEPTH). */
export const MAX_BODY_DEPTH = 64;

/** The 400 for a parsed JSON body nested deeper than MAX_BODY_DEPTH, or undefined when it is not. */
export function bodyNestingError(body: unknown): AppError | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const problem = jsonProblem(body, MAX_BODY_DEPTH, { text: false });
  if (!problem) return undefined;
  const shown = problem.path.slice(0, 8);
  const path = `${jsonPointer(shown)}${problem.path.length > shown.length ? '/…' : ''}`;
  return new AppError('validation_failed', `invalid body: ${path} ${problem.message}`, [
    { path, message: problem.message },
  ]);
}

/**
 * The 400 invalid_rule for the first rule of a body that the Rule grammar refuses, or undefined when every rule parses
 * (or the route takes none). The message names the part of the request (`population: invalid rule: $.all[0] …`).
 */
export function refusedRuleError(schema: unknown, body: unknown): AppError | undefined {
  if (!(schema instanceof z.ZodType) || body === null || typeof body !== 'object') return undefined;
  const refused = refusedRule(schema, body);
  if (!refused) return undefined;
  const failure = invalidRule(refused.issues);
  const part = refused.at.at(-1) === 'rule' ? refused.at.slice(0, -1) : refused.at;
  return failureError(
    part.length > 0 ? { ...failure, message: `${part.join('.')}: ${failure.message}` } : failure,
  );
}

/** A PostgreSQL error as both drivers (pg, PGlite) report it. */
interface PgError {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly where?: string;
}

function isPgError(error: unknown): error is PgError {
  const e = error as Partial<PgError> & { severity?: unknown };
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

// Data exceptions a client's value causes: a character the encoding cannot hold (NUL, a lone surrogate in jsonb),
// text that does not parse as the column's type, a date or number out of the type's range, a too-long value.
const VALUE_ERRORS = new Set(['22021', '22P05', '22P02', '22007', '22008', '22003', '22001']);

/** The 4xx a PostgreSQL error caused by input deserves, or undefined when it is the server's fault. */
function fromPostgres(error: PgError): AppError | undefined {
  // "Key (org_unit_id)=(HO-9) is not present in table …": the column is the located part.
  const column = error.column ?? /^Key \(([^)]+)\)/.exec(error.detail ?? '')?.[1];
  const where = { ...(error.table ? { table: error.table } : {}), ...(column ? { column } : {}) };
  if (error.code === '23503')
    return new AppError(
      'validation_failed',
      `${column ?? 'a reference'}: refers to something that does not exist`,
      [{ path: column ? jsonPointer([column]) : '/', message: error.detail ?? error.message }],
    );
  if (error.code === '23505')
    return new AppError('conflict', `${column ?? 'a value'}: already exists`, {
      ...where,
      reason: error.detail ?? error.message,
    });
  if (VALUE_ERRORS.has(error.code))
    return new AppError('bad_request', `a value cannot be stored: ${error.message}`, {
      ...where,
      sqlstate: error.code,
      ...(error.where ? { where: error.where } : {}),
    });
  return undefined;
}

/**
 * The AppError to answer for an error that reached the app's error handler, and how to log it: `error` for the
 * unexpected (a 500), `warn` for input only the database caught (a 4xx, but a check the routes should have made).
 */
export function toAppError(
  error: unknown,
  bodyLimitBytes: number,
): { appError: AppError; log?: 'error' | 'warn' } {
  if (error instanceof AppError) return { appError: error };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const message = error.validation.map((v) => `${v.instancePath || '/'} ${v.message}`).join('; ');
    const details = error.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    return {
      appError: new AppError(
        'validation_failed',
        `invalid ${error.validationContext ?? 'request'}: ${message}`,
        details,
      ),
    };
  }
  const fromStore = isPgError(error) ? fromPostgres(error) : undefined;
  if (fromStore) return { appError: fromStore, log: 'warn' };
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode === 413)
    return { appError: new AppError('payload_too_large', `request body exceeds ${bodyLimitBytes} bytes`) };
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
    return { appError: new AppError('bad_request', e.message ?? 'bad request', { fastifyCode: e.code }) };
  return { appError: new AppError('internal', 'internal error'), log: 'error' };
}
