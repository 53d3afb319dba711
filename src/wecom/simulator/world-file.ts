import { z } from 'zod';
import type { Result } from '../../shared/errors.ts';
import type { WorldSeed } from './world.ts';

// A world for the simulator from a JSON file (`flywheel wecom simulator --world file.json`): checked before use, each
// problem said with its place in the file.

const id = z.string().min(1).max(64);

const worldSchema = z.strictObject({
  staff: z.array(
    z.strictObject({ userid: id, name: z.string().max(64), departed_at: z.number().int().optional() }),
  ),
  customers: z.array(
    z.strictObject({
      external_userid: id,
      name: z.string().max(64),
      unionid: z.string().max(64).optional(),
      mobile: z.string().max(32).optional(),
    }),
  ),
  friendships: z.array(
    z.strictObject({
      userid: id,
      external_userid: id,
      createtime: z.number().int().nonnegative(),
      remark: z.string().max(64).optional(),
      add_way: z.number().int().nonnegative().optional(),
    }),
  ),
  manualTags: z
    .array(
      z.strictObject({ group_name: z.string().min(1).max(30), tags: z.array(z.string().min(1).max(30)) }),
    )
    .optional(),
});

/** The world in `text` (a JSON file's content), or every problem with its path. */
export function parseWorldFile(text: string): Result<WorldSeed, string[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const parsed = worldSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      error: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`),
    };
  const world = parsed.data;
  const staff = new Set(world.staff.map((s) => s.userid));
  const customers = new Set(world.customers.map((c) => c.external_userid));
  const problems = world.friendships.flatMap((f, i) => [
    ...(staff.has(f.userid) ? [] : [`friendships.${i}.userid: no staff member ${f.userid}`]),
    ...(customers.has(f.external_userid)
      ? []
      : [`friendships.${i}.external_userid: no customer ${f.external_userid}`]),
  ]);
  return problems.length > 0 ? { ok: false, error: problems } : { ok: true, value: world };
}
