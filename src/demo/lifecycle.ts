// The seven-stage customer lifecycle as the demo bank models it: which stage a customer has reached decides which
// behaviour events they emit, so the funnel computed from events is monotone by construction.
import type { Tier } from '../store/operational/database.ts';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../tags/labels.ts';
import type { Rng } from './random.ts';

/**
 * Lifecycle stages in order (the tag catalogue's, which the default rules rebuild from the demo's events); a customer
 * at stage k has done everything of the stages before k.
 */
export const STAGES = LIFECYCLE_STAGES;
export type Stage = LifecycleStage;

/** Stage index (0 = portrait … 6 = super customer). */
export type StageIndex = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The events of each stage: reaching a stage means emitting at least one of its first event. */
export const STAGE_EVENTS: Readonly<Record<Stage, readonly string[]>> = {
  portrait: [],
  reached: ['app_open', 'campaign_click', 'wecom_reply'],
  interested: ['view_product', 'add_favorite'],
  demand: ['consult', 'apply'],
  transaction: ['purchase'],
  repeat_purchase: ['purchase'],
  super_customer: ['share'],
};

/** How engaged a customer is over the history window: active throughout, cooling off, or gone quiet. */
export type Engagement = 'active' | 'cooling' | 'dormant';

// Stage mix by tier: the wealthier the customer, the further along (banks focus operations on them).
const STAGE_WEIGHTS: Readonly<Record<Tier, readonly number[]>> = {
  mass: [0.34, 0.26, 0.17, 0.1, 0.08, 0.04, 0.01],
  gold: [0.14, 0.2, 0.18, 0.15, 0.15, 0.12, 0.06],
  platinum: [0.08, 0.13, 0.15, 0.15, 0.18, 0.17, 0.14],
  diamond: [0.06, 0.1, 0.14, 0.15, 0.18, 0.19, 0.18],
  private: [0.05, 0.08, 0.12, 0.15, 0.18, 0.2, 0.22],
};

/**
 * Draws a customer's stage, capped by how the bank can reach them: purchases happen in the app, so transaction
 * stages need an app user; interest and demand need the app or WeCom; being reached needs some channel at all.
 * Super customers are high-value by definition, so a mass customer stops at repeat purchase.
 */
export function drawStage(
  rng: Rng,
  c: { tier: Tier; appUser: boolean; wecomFriend: boolean; smsGranted: boolean },
): StageIndex {
  const weights = STAGE_WEIGHTS[c.tier];
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  let stage = 0;
  while (stage < weights.length - 1 && u >= (weights[stage] ?? 0)) u -= weights[stage++] ?? 0;
  let cap = 6;
  if (c.tier === 'mass') cap = 5;
  if (!c.appUser) cap = c.wecomFriend ? 3 : c.smsGranted ? 1 : 0;
  return Math.min(stage, cap) as StageIndex;
}

/** Draws engagement; customers further along the lifecycle are more often active. */
export function drawEngagement(rng: Rng, stage: StageIndex): Engagement {
  if (stage === 0) return 'dormant';
  const active = 0.4 + stage * 0.07;
  const u = rng.next();
  return u < active ? 'active' : u < active + (1 - active) * 0.55 ? 'cooling' : 'dormant';
}
