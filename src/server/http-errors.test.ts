import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/support/stores.ts';
import { jsonPointer, schemaIssues, validationFailed } from '../shared/errors.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { bodyNestingError, MAX_BODY_DEPTH, toAppError } from './http-errors.ts';

// The error handler's safety net, on the errors real stores raise: input that only the database caught is a 4xx
// saying where, anything else stays a 500.

/** The error a statement raises. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('the statement did not fail');
}

for (const engine of await engines()) {
  describe(`PostgreSQL errors as answers (${engine.name})`, () => {
    let store: OperationalStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ store, dispose } = await engine.open());
      await store.db
        .insertInto('org_units')
        .values({ id: 'HO', name: 'Head office', kind: 'head_office' })
        .execute();
    });
    afterAll(async () => dispose?.());

    const answer = (error: unknown) => {
      const { appError, log } = toAppError(error, 1024);
      return { status: appError.httpStatus, code: appError.code, message: appError.message, log };
    };

    it('answers a NUL the routes missed with 400, logged as a gap', async () => {
      const error = await failure(() => sql`select ${'a\u0000b'}::text`.execute(store.db));
      expect(answer(error)).toMatchObject({ status: 400, code: 'bad_request', log: 'warn' });
      expect(answer(error).message).toMatch(/^a value cannot be stored: invalid byte sequence/);
    });

    it('answers a missing reference with 400 naming the column, and a duplicate with 409', async () => {
      const missing = await failure(() =>
        store.db
          .insertInto('api_keys')
          .values({
            name: 'k',
            prefix: 'p',
            key_hash: 'h',
            role: 'analyst',
            org_unit_id: 'NOPE',
            created_by: 't',
          })
          .execute(),
      );
      const fk = toAppError(missing, 1024).appError;
      expect(fk).toMatchObject({
        code: 'validation_failed',
        message: 'org_unit_id: refers to something that does not exist',
      });
      expect(fk.details).toEqual([{ path: '/org_unit_id', message: expect.stringContaining('NOPE') }]);
      const duplicate = await failure(() =>
        store.db.insertInto('org_units').values({ id: 'HO', name: 'again', kind: 'head_office' }).execute(),
      );
      expect(answer(duplicate)).toMatchObject({
        status: 409,
        code: 'conflict',
        message: 'id: already exists',
      });
    });

    it('leaves errors input cannot cause a 500', async () => {
      const error = await failure(() => sql`select 1 / 0`.execute(store.db));
      expect(answer(error)).toEqual({
        status: 500,
        code: 'internal',
        message: 'internal error',
        log: 'error',
      });
    });
  });
}

describe('JSON bodies', () => {
  it(`refuses nesting deeper than ${MAX_BODY_DEPTH} levels with the path, whatever the text inside`, () => {
    let body: unknown = { leaf: 'a\u0000' };
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) body = { a: body };
    expect(bodyNestingError(body)).toBeUndefined();
    expect(bodyNestingError([body])).toMatchObject({
      code: 'validation_failed',
      details: [{ path: '/0/a/a/a/a/a/a/a/…', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }],
    });
    expect(bodyNestingError('text')).toBeUndefined();
  });
});

describe('validation_failed details', () => {
  it('are one list of { path, message } with JSON pointers (RFC 6901 escapes) and only the located fields', () => {
    const zodLike = { code: 'too_small', path: ['a/b', 'm~n', 0], message: 'too short', minimum: 3 };
    expect(
      validationFailed('bad', [
        ...schemaIssues([zodLike]),
        {
          path: ['variants', 'sms', 'text'],
          message: 'unknown',
          line: 2,
          column: 3,
          code: 'unknown_variable',
        },
      ]),
    ).toEqual({
      code: 'validation_failed',
      message: 'bad',
      details: [
        { path: '/a~1b/m~0n/0', message: 'too short' },
        { path: '/variants/sms/text', message: 'unknown', line: 2, column: 3, code: 'unknown_variable' },
      ],
    });
    expect(jsonPointer([])).toBe('');
  });
});
