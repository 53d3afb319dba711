// One demo customer: profile, wealth, reachability, identities and consents. Everything is drawn from the customer's
// own random stream, so customer 42 of seed "flywheel" is the same whatever the size of the bank.
import { createHash } from 'node:crypto';
import type { ConsentChannel, Tier } from '../store/operational/database.ts';
import { branchId, subBranchId, type ManagersBySubBranch } from './bank.ts';
import { beijingMs, civil, isoDate } from './calendar.ts';
import { drawEngagement, drawStage, STAGES, type Engagement, type StageIndex } from './lifecycle.ts';
import { inverseNormal } from '../shared/normal.ts';
import { hash32, Rng, weylPoint } from './random.ts';
import {
  BIRTHPLACES,
  BRANCHES,
  COMPOUND_SURNAMES,
  EDUCATION,
  FEMALE_GIVEN,
  MAIL_DOMAINS,
  MALE_GIVEN,
  MARITAL_STATUS,
  OCCUPATIONS,
  PHONE_PREFIXES,
  SURNAME,
} from './vocabulary.ts';

/** Tier thresholds on AUM in CNY (private banking at 6M, the most common threshold). */
export const TIER_THRESHOLDS: readonly (readonly [Tier, number])[] = [
  ['private', 6_000_000],
  ['diamond', 1_000_000],
  ['platinum', 500_000],
  ['gold', 50_000],
  ['mass', 0],
];

/** The tier of an AUM in CNY. */
export function tierOf(aum: number): Tier {
  return (TIER_THRESHOLDS.find(([, min]) => aum >= min) ?? ['mass', 0])[0];
}

/** A consent row and, when it changed after onboarding, its history. */
export interface ConsentDraft {
  readonly channel: ConsentChannel;
  /** Marketing consent is drawn; service consent is granted on the touchpoints the customer uses. */
  readonly purpose: 'marketing' | 'service';
  readonly status: 'granted' | 'revoked';
  readonly source: string;
  readonly updated_at: string;
  readonly history: readonly { status: 'granted' | 'revoked'; source: string; changed_at: string }[];
}

/** Everything generated about one customer before holdings and behaviour. */
export interface CustomerProfile {
  readonly id: number;
  readonly customer_no: string;
  readonly name: string;
  readonly gender: 'M' | 'F';
  readonly birth_date: string;
  readonly phone: string;
  readonly id_number: string;
  readonly email: string | null;
  readonly city: string;
  readonly occupation: string;
  readonly education: string;
  readonly marital_status: string;
  readonly org_unit_id: string;
  readonly risk_level: number;
  readonly customer_since: string;
  /** Target AUM in cents; holdings split it exactly. */
  readonly aumCents: number;
  readonly tier: Tier;
  readonly payroll: boolean;
  readonly app_user: boolean;
  readonly wecom_friend: boolean;
  readonly wecom_external_userid: string | null;
  readonly phone_sha256: string;
  readonly imei_md5: string | null;
  readonly oaid_md5: string | null;
  readonly idfa_md5: string | null;
  readonly caid_md5: string | null;
  /** App login id, for app users. */
  readonly distinctId: string | null;
  readonly sinceDay: number;
  readonly age: number;
  /** Monthly salary in CNY (payroll credits, spending scale). */
  readonly salary: number;
  readonly branchCode: string;
  readonly managerId: string | null;
  readonly stage: StageIndex;
  readonly engagement: Engagement;
  readonly consents: readonly ConsentDraft[];
}

// AUM quantile function: a lognormal body (median ≈ 18k CNY) and, for the top 1.5%, a Pareto tail from 500k with
// alpha 1.16 (the "80/20" exponent), capped at 50M. Calibrated so the top 20% of customers hold ≈ 80% of AUM.
const BODY_MU = 9.8;
const BODY_SIGMA = 1.2;
const TAIL_SHARE = 0.015;
const TAIL_FROM = 500_000;
const TAIL_ALPHA = 1.16;
const AUM_CAP = 50_000_000;

function aumAtRank(u: number): number {
  if (u < 1 - TAIL_SHARE) return Math.exp(BODY_MU + BODY_SIGMA * inverseNormal(u / (1 - TAIL_SHARE)));
  return Math.min(TAIL_FROM * Math.pow((1 - u) / TAIL_SHARE, -1 / TAIL_ALPHA), AUM_CAP);
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The 18th character of a PRC resident id number (ISO 7064 MOD 11-2). */
export function idNumberCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] ?? 0);
  return '10X98765432'[sum % 11] ?? '0';
}

// The serial part is a bijective scramble of the ordinal (modulo 10^12), so no two customers share an IMEI.
function imeiWithLuhn(seed: string, id: number): string {
  const serial = (BigInt(id) * 7_919_000_003n + BigInt(hash32(seed, 'imei'))) % 1_000_000_000_000n;
  const body = `86${serial.toString().padStart(12, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(body[13 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

// Random-looking device ids that are still unique by construction: the last 8 hex digits are a bijective scramble
// of the customer ordinal, so no two customers can share one (the identity table's key).
const uniqueTag = (id: number) => (Math.imul(id, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
const uuid = (rng: Rng, id: number) => {
  const h = rng.hex(24) + uniqueTag(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};

const weightedIndex = (rng: Rng, weights: readonly number[]) => {
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((u -= weights[i] ?? 0) < 0) return i;
  return weights.length - 1;
};

/** Generates customer `id` (1-based ordinal) of the bank as of `asOfDay`. */
export function generateCustomer(
  seed: string,
  id: number,
  asOfDay: number,
  managers: ManagersBySubBranch,
): CustomerProfile {
  const rng = Rng.for(seed, 'customer', id);
  const wealthRank = weylPoint(hash32(seed, 'wealth') / 4294967296, id);
  const aumYuan = aumAtRank(wealthRank) * Math.exp(0.05 * rng.normal());
  const aumCents = Math.max(1, Math.round(aumYuan * 100));
  const tier = tierOf(aumCents / 100);
  const wealthy = tier !== 'mass' && tier !== 'gold';

  // Older customers hold more: shift the age up with the wealth rank.
  const lift = Math.max(0, (wealthRank - 0.5) * 2) ** 2;
  const age = Math.min(88, Math.max(18, Math.round(36 + 16 * lift + 13 * rng.normal())));
  const band = age < 30 ? 0 : age < 60 ? 1 : 2;
  const gender = rng.chance(0.5) ? 'M' : 'F';
  const given = gender === 'M' ? MALE_GIVEN : FEMALE_GIVEN;
  const surname = rng.chance(0.015) ? rng.pick(COMPOUND_SURNAMES) : SURNAME.sample(rng);
  const name = surname + rng.pick(given) + (rng.chance(0.72) ? rng.pick(given) : '');
  const birthDay = asOfDay - Math.floor(age * 365.25) - rng.int(0, 364);

  const branchIndex = weightedIndex(
    rng,
    BRANCHES.map((b) => b.weight),
  );
  const branch = BRANCHES[branchIndex] ?? BRANCHES[0]!;
  const subIndex = rng.int(1, branch.subBranches.length);
  const orgUnit = subBranchId(branch.code, subIndex);
  const native = rng.chance(0.75);
  const [birthCity, regionCode] = native ? [branch.city, branch.regionCode] : rng.pick(BIRTHPLACES);
  const city = native || rng.chance(0.9) ? branch.city : birthCity;
  const { year, month, day } = civil(birthDay);
  const sequence = rng.int(0, 499) * 2 + (gender === 'M' ? 1 : 0);
  const first17 = `${regionCode}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(sequence).padStart(3, '0')}`;
  // A multiplicative scramble of the ordinal (48271 is prime to 10^8) keeps every phone number distinct.
  const phone =
    rng.pick(PHONE_PREFIXES) +
    String((id * 48271 + (hash32(seed, 'phone') % 100_000_000)) % 100_000_000).padStart(8, '0');

  const occupationWeights = OCCUPATIONS.map((o) => {
    let w = o.weights[band];
    if (wealthy && ['business_owner', 'executive', 'finance', 'doctor'].includes(o.code)) w *= 4;
    if (wealthy && o.code === 'student') w *= 0.05;
    return w;
  });
  const occupation = OCCUPATIONS[weightedIndex(rng, occupationWeights)] ?? OCCUPATIONS[0]!;
  const educated = ['engineer', 'doctor', 'finance', 'civil_servant', 'teacher', 'executive'].includes(
    occupation.code,
  );
  const eduWeights = educated
    ? [0, 1, 8, 55, 30, 6]
    : band === 2
      ? [40, 35, 15, 9, 1, 0]
      : [12, 28, 28, 26, 5, 1];
  const education = EDUCATION[weightedIndex(rng, eduWeights)] ?? 'bachelor';
  const maritalWeights =
    age < 25 ? [90, 10, 0, 0] : age < 35 ? [40, 56, 4, 0] : age < 65 ? [6, 84, 8, 2] : [2, 72, 6, 20];
  const marital = MARITAL_STATUS[weightedIndex(rng, maritalWeights)] ?? 'married';
  const riskWeights = band === 2 ? [35, 40, 20, 4, 1] : wealthy ? [8, 25, 37, 20, 10] : [14, 30, 35, 15, 6];
  const riskLevel = weightedIndex(rng, riskWeights) + 1;

  // Customers joined over the last ten years, more of them recently (the bank grows), never before age 18.
  const earliest = Math.min(asOfDay, Math.max(asOfDay - 3650, birthDay + Math.ceil(18 * 365.25)));
  const sinceDay = asOfDay - Math.floor((asOfDay - earliest) * (1 - Math.pow(rng.next(), 0.75)));

  const salaried = ![
    'business_owner',
    'self_employed',
    'freelancer',
    'farmer',
    'student',
    'retired',
  ].includes(occupation.code);
  const payroll = rng.chance(salaried ? 0.45 : occupation.code === 'retired' ? 0.3 : 0.04);
  const appUser = rng.chance([0.86, 0.74, 0.36][band] ?? 0.5);
  const wecomFriend = rng.chance(tier === 'mass' ? 0.22 : tier === 'gold' ? 0.45 : 0.72);
  const salary = Math.round((occupation.salary * Math.exp(0.35 * rng.normal() + 0.25 * lift)) / 100) * 100;

  let imei: string | null = null;
  let oaid: string | null = null;
  let idfa: string | null = null;
  let caid: string | null = null;
  if (appUser) {
    if (rng.chance(wealthy ? 0.45 : 0.28)) {
      if (rng.chance(0.3)) idfa = md5(uuid(rng, id).toUpperCase());
      if (rng.chance(0.85)) caid = md5(rng.hex(24) + uniqueTag(id));
    } else {
      if (rng.chance(0.35)) imei = md5(imeiWithLuhn(seed, id));
      if (rng.chance(0.85)) oaid = md5(uuid(rng, id));
    }
  }
  const email = rng.chance(0.35) ? `${rng.int(10_000, 9_999_999_999)}@${rng.pick(MAIL_DOMAINS)}` : null;
  const customerNo = `C${String(id).padStart(10, '0')}`;
  const consents = drawConsents(rng, { sinceDay, asOfDay, email: email !== null, appUser, wecomFriend });
  const smsGranted = consents.some(
    (c) => c.channel === 'sms' && c.purpose === 'marketing' && c.status === 'granted',
  );
  const stage = drawStage(rng, { tier, appUser, wecomFriend, smsGranted });
  // Dormant means no activity for 30 days, which a customer who joined since then cannot be yet.
  const drawn = drawEngagement(rng, stage);
  const engagement = drawn === 'dormant' && stage > 0 && sinceDay > asOfDay - 30 ? 'cooling' : drawn;
  // Pools: WeCom friends and every customer above mass belong to an account manager of their sub-branch.
  const candidates = managers.get(orgUnit) ?? [];
  const managerId = (wecomFriend || tier !== 'mass') && candidates.length > 0 ? rng.pick(candidates) : null;

  return {
    id,
    customer_no: customerNo,
    name,
    gender,
    birth_date: isoDate(birthDay),
    phone,
    id_number: first17 + idNumberCheckDigit(first17),
    email,
    city,
    occupation: occupation.code,
    education,
    marital_status: marital,
    org_unit_id: orgUnit,
    risk_level: riskLevel,
    customer_since: isoDate(sinceDay),
    aumCents,
    tier,
    payroll,
    app_user: appUser,
    wecom_friend: wecomFriend,
    wecom_external_userid: wecomFriend ? `wm${rng.hex(22)}${uniqueTag(id)}` : null,
    phone_sha256: sha256(phone),
    imei_md5: imei,
    oaid_md5: oaid,
    idfa_md5: idfa,
    caid_md5: caid,
    // A bijective scramble of the ordinal: looks random, never collides.
    distinctId: appUser
      ? `fw_${((Math.imul(id, 0x9e3779b1) ^ hash32(seed, 'distinct')) >>> 0).toString(36).padStart(7, '0')}`
      : null,
    sinceDay,
    age,
    salary,
    branchCode: branch.code,
    managerId,
    stage,
    engagement,
    consents,
  };
}

/** The customer's branch org unit (parent of their sub-branch). */
export const branchOf = (c: CustomerProfile) => branchId(c.branchCode);

/** Extra attributes stored on the customer row (what the generator knows and other modules may use). */
export function customerAttributes(c: CustomerProfile): Record<string, unknown> {
  return {
    lifecycle_stage: STAGES[c.stage],
    engagement: c.engagement,
    account_manager_id: c.managerId,
    monthly_income: c.salary,
    source: 'demo',
  };
}

const at = (day: number, second: number) => new Date(beijingMs(day, second)).toISOString();

const marketing = (channel: ConsentChannel) => ({ channel, purpose: 'marketing' as const });

function drawConsents(
  rng: Rng,
  c: { sinceDay: number; asOfDay: number; email: boolean; appUser: boolean; wecomFriend: boolean },
): ConsentDraft[] {
  const onboarding = at(c.sinceDay, 10 * 3600 + rng.int(0, 7 * 3600));
  const changeDay = () => c.sinceDay + Math.floor((c.asOfDay - c.sinceDay) * (0.2 + 0.8 * rng.next()));
  const changeAt = () => at(changeDay(), rng.int(8 * 3600, 22 * 3600));
  // Each channel: granted at onboarding with some probability; a share of refusals are later revocations.
  const channel = (
    name: ConsentChannel,
    grantRate: number,
    revokedLater: number,
    revokeSource: string,
  ): ConsentDraft => {
    if (rng.chance(grantRate))
      return {
        ...marketing(name),
        status: 'granted',
        source: 'onboarding',
        updated_at: onboarding,
        history: [],
      };
    if (!rng.chance(revokedLater))
      return {
        ...marketing(name),
        status: 'revoked',
        source: 'onboarding',
        updated_at: onboarding,
        history: [],
      };
    const when = changeAt();
    return {
      ...marketing(name),
      status: 'revoked',
      source: revokeSource,
      updated_at: when,
      history: [
        { status: 'granted', source: 'onboarding', changed_at: onboarding },
        { status: 'revoked', source: revokeSource, changed_at: when },
      ],
    };
  };
  const sms = channel('sms', 0.88, 0.7, 'sms_unsubscribe');
  const email = c.email
    ? channel('email', 0.7, 0.4, 'email_unsubscribe')
    : channel('email', 0, 0, 'onboarding');
  const phone = channel('phone', 0.72, 0.5, 'call_center');
  const push = c.appUser
    ? channel('app_push', 0.68, 0.4, 'app_settings')
    : channel('app_push', 0, 0, 'onboarding');
  // WeCom consent arrives when the customer adds their manager as a friend, after onboarding.
  let wecom: ConsentDraft = {
    ...marketing('wecom'),
    status: 'revoked',
    source: 'onboarding',
    updated_at: onboarding,
    history: [],
  };
  if (c.wecomFriend && rng.chance(0.96)) {
    const when = changeAt();
    wecom = {
      ...marketing('wecom'),
      status: 'granted',
      source: 'wecom_add_friend',
      updated_at: when,
      history: [{ status: 'granted', source: 'wecom_add_friend', changed_at: when }],
    };
  }
  // Service notices (maturity, repayment) go to the touchpoints the customer uses, whatever marketing consent says;
  // drawn from no random numbers, so the demo's other draws stay where they were.
  const service = (name: ConsentChannel, since = onboarding): ConsentDraft => ({
    channel: name,
    purpose: 'service',
    status: 'granted',
    source: 'onboarding',
    updated_at: since,
    history: [],
  });
  const friendSince = wecom.status === 'granted' ? wecom.updated_at : onboarding;
  return [
    sms,
    email,
    phone,
    wecom,
    push,
    service('sms'),
    ...(c.email ? [service('email')] : []),
    ...(c.appUser ? [service('app_push')] : []),
    ...(c.wecomFriend ? [service('wecom', friendSince)] : []),
  ];
}
