import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { fitLogistic, sigmoid } from '../analytics/drivers/logistic.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';

// The look-alike score: a logistic regression on the bank's own customers. Positives are the bank's best customers:
// a top AUM tier (platinum, diamond, private) or an active wealth or fund holding. Features are customer attributes
// the segment index has that do not restate the label (AUM and holdings are left out, else the model would only
// relearn the definition): age, years as a customer, gender, payroll, app user, WeCom friend, risk level (with a
// "missing" flag for each nullable one). Columns are standardised. Every customer linked to a device id is scored
// (probability 0..1) into customer_scores (kind 'lookalike'), replacing the previous scores, audited in the same
// transaction. Runs daily in the API service's batch and by `flywheel rta lookalike train`.
// At a bank's scale (10M customers) nothing holds every customer at once: ten coefficients are fitted on an even
// sample of at most TRAIN_CAP customers (every k-th customer number), and the device-linked customers are scored in
// pages of SCORE_PAGE.

const BEST_TIERS = ['platinum', 'diamond', 'private'];
const FEATURES = [
  'age',
  'age_missing',
  'tenure_years',
  'female',
  'payroll',
  'app_user',
  'wecom_friend',
  'risk',
  'risk_missing',
];
/** Fewest customers of each class a model is fitted on. */
const MIN_CLASS = 10;
/** Most customers a model is fitted on. */
const TRAIN_CAP = 200_000;
/** Customers scored (and their scores written: 4 parameters each, under the 65,535 a statement) at a time. */
const SCORE_PAGE = 10_000;

/** What a training did. */
export interface LookalikeReport {
  readonly asOf: string;
  /** Customers the model was fitted on (all of them, or an even sample of at most 200,000). */
  readonly customers: number;
  readonly positives: number;
  readonly scored: number;
  readonly converged: boolean;
  /** Standardised coefficients by feature (intercept first). */
  readonly coefficients: Readonly<Record<string, number>>;
}

interface CustomerRow {
  id: number;
  birth_date: string | null;
  customer_since: string | null;
  gender: string | null;
  payroll: boolean | null;
  app_user: boolean | null;
  wecom_friend: boolean | null;
  risk_level: number | null;
  best: boolean;
}

function years(from: string | null, asOf: string): number | undefined {
  if (!from) return undefined;
  return (Date.parse(asOf) - Date.parse(String(from).slice(0, 10))) / (365.25 * 86_400_000);
}

function features(r: CustomerRow, asOf: string): number[] {
  const age = years(r.birth_date, asOf);
  return [
    age ?? 0,
    age === undefined ? 1 : 0,
    years(r.customer_since, asOf) ?? 0,
    r.gender === 'F' ? 1 : 0,
    r.payroll ? 1 : 0,
    r.app_user ? 1 : 0,
    r.wecom_friend ? 1 : 0,
    r.risk_level ?? 0,
    r.risk_level === null ? 1 : 0,
  ];
}

/** The model's columns of the customers chosen by `where`, in customer order. */
async function customerRows(
  db: Kysely<Database>,
  where: ReturnType<typeof sql>,
  limit: number | null,
): Promise<CustomerRow[]> {
  const rows = await sql<CustomerRow>`
    select c.id, c.birth_date::text as birth_date, c.customer_since::text as customer_since, c.gender, c.payroll,
      c.app_user, c.wecom_friend, c.risk_level,
      (c.tier in (${sql.join(BEST_TIERS)}) or exists (
        select 1 from holdings h join products p on p.id = h.product_id
        where h.customer_id = c.id and h.status = 'active' and p.category in ('wealth', 'fund'))) as best
    from customers c where ${where} order by c.id ${limit === null ? sql`` : sql`limit ${limit}`}`.execute(
    db,
  );
  return rows.rows;
}

const HAS_DEVICE = sql`exists (select 1 from customer_identities i
  where i.customer_id = c.id and i.kind in ('imei_md5', 'oaid_md5', 'idfa_md5', 'caid_md5'))`;

/** Trains the model on (an even sample of) the customers and scores those linked to a device. */
export async function trainLookalike(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  actor: string,
  limits: { readonly trainCap: number; readonly scorePage: number } = {
    trainCap: TRAIN_CAP,
    scorePage: SCORE_PAGE,
  },
): Promise<Result<LookalikeReport>> {
  const asOf = deps.clock.today();
  const total = (
    await deps.db
      .selectFrom('customers')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  const every = Math.max(1, Math.ceil(total / limits.trainCap));
  const rows = await customerRows(deps.db, every === 1 ? sql`true` : sql`c.id % ${every} = 0`, null);
  const n = rows.length;
  const positives = rows.filter((r) => r.best).length;
  if (positives < MIN_CLASS || n - positives < MIN_CLASS)
    return err({
      code: 'not_enough_data',
      message: `a look-alike model needs at least ${MIN_CLASS} best customers and ${MIN_CLASS} others (has ${positives} of ${n})`,
    });
  const p = FEATURES.length + 1;
  const raw = rows.map((r) => features(r, asOf));
  const mean = FEATURES.map((_, j) => raw.reduce((a, f) => a + f[j]!, 0) / n);
  const sd = FEATURES.map((_, j) => Math.sqrt(raw.reduce((a, f) => a + (f[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const x = new Float64Array(n * p);
  const y = new Uint8Array(n);
  raw.forEach((f, i) => {
    x[i * p] = 1;
    f.forEach((v, j) => (x[i * p + j + 1] = (v - mean[j]!) / sd[j]!));
    y[i] = rows[i]!.best ? 1 : 0;
  });
  const fit = fitLogistic(x, y, n, p, { ridge: 1e-2 });
  const score = (r: CustomerRow) => {
    let t = fit.beta[0]!;
    features(r, asOf).forEach((v, j) => (t += fit.beta[j + 1]! * ((v - mean[j]!) / sd[j]!)));
    return sigmoid(t);
  };
  let scored = 0;
  await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('customer_scores').where('kind', '=', 'lookalike').execute();
    for (let after = 0; ;) {
      const page = await customerRows(tx, sql`c.id > ${after} and ${HAS_DEVICE}`, limits.scorePage);
      if (page.length === 0) break;
      await tx
        .insertInto('customer_scores')
        .values(page.map((r) => ({ kind: 'lookalike', customer_id: r.id, score: score(r), as_of: asOf })))
        .execute();
      scored += page.length;
      after = page[page.length - 1]!.id;
    }
    await recordAudit(tx, {
      actor,
      action: 'rta.lookalike.train',
      entityType: 'customer_scores',
      entityId: 'lookalike',
      details: { asOf, customers: n, positives, scored, converged: fit.converged, sampleEvery: every },
      at: deps.clock.now(),
    });
  });
  const coefficients = Object.fromEntries([
    ['intercept', fit.beta[0]!],
    ...FEATURES.map((name, j) => [name, fit.beta[j + 1]!] as const),
  ]);
  return ok({ asOf, customers: n, positives, scored, converged: fit.converged, coefficients });
}
