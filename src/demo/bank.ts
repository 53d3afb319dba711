// The demo bank's fixed structure: organisation, staff and the product catalogue.
import type { ProductCategory, ProductRole, StaffRole } from '../store/operational/database.ts';
import { isoDate } from './calendar.ts';
import { Rng } from './random.ts';
import { BRANCHES, FEMALE_GIVEN, MALE_GIVEN, SURNAME } from './vocabulary.ts';

/** The bank's name as it appears on org units. */
export const BANK_NAME = '飞轮银行';

/** An org unit row. */
export interface OrgUnitRow {
  readonly id: string;
  readonly parent_id: string | null;
  readonly name: string;
  readonly kind: 'head_office' | 'branch' | 'sub_branch';
}

/** A staff row; pool_capacity is filled in once customers are assigned. */
export interface StaffRow {
  readonly id: string;
  readonly name: string;
  readonly org_unit_id: string;
  readonly role: StaffRole;
  pool_capacity: number;
  readonly phone: string;
  readonly email: string;
  readonly joined_on: string;
}

/** A product row. */
export interface ProductRow {
  readonly id: string;
  readonly name: string;
  readonly category: ProductCategory;
  readonly role: ProductRole;
  readonly risk_level: number;
  readonly term_days: number | null;
  readonly annual_rate: number | null;
}

export const HEAD_OFFICE_ID = 'HO';
/** Org unit id of a branch by its code. */
export const branchId = (code: string) => `BR-${code}`;
/** Org unit id of a sub-branch by branch code and 1-based index. */
export const subBranchId = (code: string, index: number) => `SB-${code}-${index}`;

/** Head office, five branches and their sub-branches. */
export function orgUnits(): OrgUnitRow[] {
  const rows: OrgUnitRow[] = [
    { id: HEAD_OFFICE_ID, parent_id: null, name: `${BANK_NAME}总行`, kind: 'head_office' },
  ];
  for (const branch of BRANCHES) {
    rows.push({
      id: branchId(branch.code),
      parent_id: HEAD_OFFICE_ID,
      name: `${BANK_NAME}${branch.city}分行`,
      kind: 'branch',
    });
    branch.subBranches.forEach((district, i) =>
      rows.push({
        id: subBranchId(branch.code, i + 1),
        parent_id: branchId(branch.code),
        name: `${BANK_NAME}${branch.city}${district}支行`,
        kind: 'sub_branch',
      }),
    );
  }
  return rows;
}

const ACCOUNT_MANAGERS = 40;

/** Account managers of each sub-branch, keyed by sub-branch id (customers are assigned within their sub-branch). */
export type ManagersBySubBranch = ReadonlyMap<string, readonly string[]>;

/**
 * Staff: 40 account managers spread over the branches by branch size (then round-robin over sub-branches),
 * a head per branch, analysts and an administrator at head office.
 */
export function staff(seed: string, asOfDay: number): { rows: StaffRow[]; managers: ManagersBySubBranch } {
  const rows: StaffRow[] = [];
  const managers = new Map<string, string[]>();
  const person = (id: string, org: string, role: StaffRole, ordinal: number): StaffRow => {
    const rng = Rng.for(seed, 'staff', ordinal);
    const female = rng.chance(0.55);
    const given = female ? FEMALE_GIVEN : MALE_GIVEN;
    const name = SURNAME.sample(rng) + rng.pick(given) + (rng.chance(0.7) ? rng.pick(given) : '');
    return {
      id,
      name,
      org_unit_id: org,
      role,
      pool_capacity: 0,
      phone: `139${String(10_000_000 + ordinal * 7919).slice(-8)}`,
      email: `${id.toLowerCase()}@flywheel-bank.example`,
      // Tenure of 1–15 years, so "departing manager" scenarios have realistic histories.
      joined_on: isoDate(asOfDay - rng.int(365, 15 * 365)),
    };
  };
  // Largest-remainder apportionment of the managers to branches by customer share.
  const quotas = BRANCHES.map((b) => b.weight * ACCOUNT_MANAGERS);
  const counts = quotas.map(Math.floor);
  const order = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < ACCOUNT_MANAGERS; k++) counts[order[k]![1]]!++;
  let ordinal = 0;
  BRANCHES.forEach((branch, b) => {
    rows.push(person(`BH${String(b + 1).padStart(3, '0')}`, branchId(branch.code), 'branch_head', ++ordinal));
    for (let m = 0; m < (counts[b] ?? 0); m++) {
      const org = subBranchId(branch.code, (m % branch.subBranches.length) + 1);
      const id = `AM${String(rows.filter((r) => r.role === 'account_manager').length + 1).padStart(3, '0')}`;
      rows.push(person(id, org, 'account_manager', ++ordinal));
      managers.set(org, [...(managers.get(org) ?? []), id]);
    }
  });
  for (let a = 1; a <= 4; a++)
    rows.push(person(`AN${String(a).padStart(3, '0')}`, HEAD_OFFICE_ID, 'analyst', ++ordinal));
  rows.push(person('AD001', HEAD_OFFICE_ID, 'admin', ++ordinal));
  return { rows, managers };
}

/**
 * Sizes each manager's pool capacity to the customers assigned to them plus a quarter of headroom (at least 500),
 * so transfers between colleagues have room; heads keep a small pool for escalations, others none.
 */
export function sizePools(rows: StaffRow[], assigned: ReadonlyMap<string, number>): void {
  for (const row of rows) {
    if (row.role === 'account_manager')
      row.pool_capacity = Math.max(500, Math.ceil(((assigned.get(row.id) ?? 0) * 1.25) / 100) * 100);
    else row.pool_capacity = row.role === 'branch_head' ? 200 : 0;
  }
}

const product = (
  id: string,
  name: string,
  category: ProductCategory,
  role: ProductRole,
  risk_level: number,
  term_days: number | null,
  annual_rate: number | null,
): ProductRow => ({ id, name, category, role, risk_level, term_days, annual_rate });

/** The product catalogue: every category, each product with its role (traffic, hot-selling, main-profit). */
export const PRODUCTS: readonly ProductRow[] = [
  product('DEP-CUR', '个人活期存款', 'current_deposit', 'traffic', 1, null, 0.0005),
  product('TD-3M', '三个月整存整取', 'time_deposit', 'traffic', 1, 91, 0.0105),
  product('TD-6M', '六个月整存整取', 'time_deposit', 'hot_selling', 1, 182, 0.013),
  product('TD-1Y', '一年期整存整取', 'time_deposit', 'hot_selling', 1, 365, 0.0145),
  product('TD-3Y', '三年期大额存单', 'time_deposit', 'profit', 1, 1095, 0.0175),
  product('WM-CASH', '天天利现金管理', 'wealth', 'traffic', 1, null, 0.018),
  product('WM-90D', '稳健90天持有期理财', 'wealth', 'hot_selling', 2, 90, 0.026),
  product('WM-1Y', '固收增强一年定开', 'wealth', 'profit', 3, 365, 0.032),
  product('FD-MMF', '飞轮货币基金', 'fund', 'traffic', 1, null, 0.017),
  product('FD-BOND', '稳健债券基金', 'fund', 'hot_selling', 2, null, null),
  product('FD-INDEX', '沪深300指数基金', 'fund', 'profit', 4, null, null),
  product('FD-GROWTH', '成长精选混合基金', 'fund', 'profit', 5, null, null),
  product('INS-SAVINGS', '鑫享增额终身寿险', 'insurance', 'hot_selling', 1, null, null),
  product('INS-ANNUITY', '安享年金保险', 'insurance', 'profit', 1, null, null),
  product('INS-CI', '守护重大疾病保险', 'insurance', 'profit', 1, null, null),
  product('LN-MORTGAGE', '个人住房按揭贷款', 'loan', 'profit', 2, 9125, 0.0355),
  product('LN-CONSUMER', '飞轮快贷', 'loan', 'hot_selling', 3, 1095, 0.0398),
  product('LN-BUSINESS', '个人经营贷款', 'loan', 'profit', 3, 1825, 0.0365),
  product('CC-STANDARD', '飞轮标准信用卡', 'credit_card', 'traffic', 2, null, null),
  product('CC-PLATINUM', '飞轮白金信用卡', 'credit_card', 'profit', 2, null, null),
];

/** A product by id; throws on an unknown id, which would be a bug in the generator. */
export function productById(id: string): ProductRow {
  const found = PRODUCTS.find((p) => p.id === id);
  if (!found) throw new Error(`demo: unknown product ${id}`);
  return found;
}

/** Investment products a customer may buy in the app, by customer risk level (1–5). */
export function investmentsFor(riskLevel: number): ProductRow[] {
  return PRODUCTS.filter(
    (p) =>
      (p.category === 'wealth' || p.category === 'fund' || p.category === 'insurance') &&
      p.risk_level <= riskLevel,
  );
}
