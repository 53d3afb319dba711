import type { Population as GroupOfCustomers } from '../../contracts/population.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { SegmentIndexEntry } from '../../segments/index-cache.ts';
import type { Rule } from '../../segments/rule.ts';
import { everyLeaf, walkRule, type RuleVisitor } from '../../segments/rule-walk.ts';
import type { StoreIndex } from '../../segments/source.ts';
import { invalidRule, type SegmentFailure, type SegmentService } from '../../segments/service.ts';
import { validateRule } from '../../segments/validate.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import {
  buildFeature,
  candidateNames,
  DEFAULT_FEATURE_OPTIONS,
  type Feature,
  type FeatureOptions,
  type Population,
} from './features.ts';
import { rankFeatures, type RankedFeature } from './ranking.ts';
import {
  DEFAULT_REGRESSION_OPTIONS,
  fitDrivers,
  type Regression,
  type RegressionOptions,
} from './regression.ts';

// Drivers of a binary outcome ("key factors" of a customer group): the outcome and the population are segment rules
// evaluated on the cached index of the day; every candidate feature is counted over the population, ranked by
// information value, and the most informative ones enter a logistic regression. Definitions: ../README.md.

export interface DriversRequest {
  /** Customers matching this rule have the outcome (1), the rest of the population not (0). */
  readonly outcome: unknown;
  /** The customers analysed (a saved segment or a rule); default every customer. */
  readonly population?: GroupOfCustomers | undefined;
  /** Feature ids (`attr:age`, `tag:activity`) or bare names; default every tag and attribute. */
  readonly features?: readonly string[];
  readonly bins?: number;
  readonly holdoutPercent?: number;
  readonly minShare?: number;
  readonly maxFeatures?: number;
  readonly asOf?: string;
}

export interface DriversAnalysis {
  readonly asOf: string;
  readonly tagsAsOf: string | null;
  /** When the customer data analysed was read from the store (its freshness). */
  readonly dataReadAt: string;
  readonly definition: {
    readonly outcome: unknown;
    readonly population: unknown;
    readonly bins: number;
    readonly minShare: number;
    readonly holdoutPercent: number;
  };
  readonly population: { readonly customers: number; readonly positives: number; readonly rate: number };
  readonly features: RankedFeature[];
  /** Candidates left out: used by the outcome's rule (they would explain it by definition), or without variation. */
  readonly excluded: { readonly id: string; readonly reason: 'outcome' | 'constant' }[];
  readonly regression: Regression;
  readonly elapsedMs: number;
  readonly timings: { readonly featuresMs: number; readonly regressionMs: number };
}

export type DriversFailure =
  SegmentFailure | { readonly code: 'not_enough_data'; readonly message: string; readonly details?: unknown };

export interface AnalyseOptions {
  readonly features?: readonly string[];
  readonly feature?: Partial<FeatureOptions>;
  readonly regression?: Partial<RegressionOptions>;
  /** Feature ids never used (those of the outcome's rule). */
  readonly exclude?: ReadonlySet<string>;
  readonly definition?: { outcome: unknown; population: unknown };
}

/** What the analysis reads of an index entry. */
export type DriversEntry = Pick<SegmentIndexEntry, 'asOf' | 'index'> & {
  readonly base: Pick<StoreIndex, 'tagInfo' | 'tagsAsOf' | 'readAt'>;
};

/** The drivers of `outcome` within `population` on an index entry. */
export function analyseDrivers(
  entry: DriversEntry,
  outcome: ReadonlyRoaringBitmap32,
  population: ReadonlyRoaringBitmap32,
  options: AnalyseOptions = {},
): Result<DriversAnalysis, DriversFailure> {
  const started = performance.now();
  const index = entry.index;
  const pop = RoaringBitmap32.and(population, index.universe);
  const positives = RoaringBitmap32.and(pop, outcome);
  const totals = { customers: pop.size, positives: positives.size };
  if (totals.customers === 0)
    return notEnough('the population is empty: no customer to analyse', {
      reason: 'empty_population',
      population: totals,
    });
  if (totals.positives === 0 || totals.positives === totals.customers)
    return notEnough(
      totals.positives === 0
        ? 'no customer of the population has the outcome: it does not vary, so nothing can drive it'
        : 'every customer of the population has the outcome: it does not vary, so nothing can drive it',
      { reason: totals.positives === 0 ? 'no_positive' : 'all_positive', population: totals },
    );
  const featureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...options.feature };
  const regressionOptions = { ...DEFAULT_REGRESSION_OPTIONS, ...options.regression };
  const { ids, unknown } = candidateNames(index, options.features);
  if (unknown.length > 0)
    return err<DriversFailure>({
      code: 'bad_request',
      message: `unknown feature(s): ${unknown.join(', ')} (give attribute names or tag keys, e.g. attr:age, tag:activity)`,
      details: { unknown },
    });
  const y = new Uint8Array(index.maxOrdinal + 1);
  for (const o of positives.toUint32Array()) y[o] = 1;
  const context: Population = { index, members: pop.toUint32Array(), bitmap: pop, positives, y };
  const excluded: { id: string; reason: 'outcome' | 'constant' }[] = [];
  const built: Feature[] = [];
  for (const id of ids) {
    if (options.exclude?.has(id)) {
      excluded.push({ id, reason: 'outcome' });
      continue;
    }
    const feature = buildFeature(id, context, entry.base.tagInfo, featureOptions);
    if (feature) built.push(feature);
    else excluded.push({ id, reason: 'constant' });
  }
  const features = rankFeatures(built, totals);
  const featuresMs = performance.now() - started;
  const byId = new Map(built.map((f) => [f.id, f]));
  const regression = fitDrivers(
    features.map((f) => byId.get(f.id)!),
    context,
    regressionOptions,
  );
  const elapsedMs = performance.now() - started;
  pop.dispose();
  positives.dispose();
  return ok({
    asOf: entry.asOf,
    tagsAsOf: entry.base.tagsAsOf,
    dataReadAt: entry.base.readAt,
    definition: {
      outcome: options.definition?.outcome ?? null,
      population: options.definition?.population ?? null,
      bins: featureOptions.bins,
      minShare: featureOptions.minShare,
      holdoutPercent: regressionOptions.holdoutPercent,
    },
    population: { ...totals, rate: totals.positives / totals.customers },
    features,
    excluded,
    regression,
    elapsedMs,
    timings: { featuresMs, regressionMs: elapsedMs - featuresMs },
  });
}

/** Checks the rules against the day's catalogue, evaluates them, and analyses. */
export async function runDrivers(
  service: SegmentService,
  request: DriversRequest,
): Promise<Result<DriversAnalysis, DriversFailure>> {
  const checked = await service.check(request.outcome, request.asOf ? { asOf: request.asOf } : {});
  if (!checked.ok) return err(prefixed('outcome', checked.error));
  const { entry, rule: outcomeRule } = checked.value;
  let populationRule: Rule | undefined;
  if (request.population) {
    // a saved segment is analysed through its rule `{"segment": id}`, which the answer's definition states
    const asked = request.population;
    if ('segmentId' in asked && !entry.segments.has(asked.segmentId))
      return err({ code: 'not_found', message: `population: no segment ${asked.segmentId}` });
    const rule = 'segmentId' in asked ? { segment: asked.segmentId } : asked.rule;
    const population = validateRule(rule, await entry.catalogue());
    if (!population.ok) return err(prefixed('population', invalidRule(population.error)));
    populationRule = population.value;
  }
  const outcome = await service.members(outcomeRule, entry);
  if (!outcome.ok) return err(prefixed('outcome', outcome.error));
  let populationBitmap: ReadonlyRoaringBitmap32 = entry.index.universe;
  if (populationRule) {
    const members = await service.members(populationRule, entry);
    if (!members.ok) return err(prefixed('population', members.error));
    populationBitmap = members.value.bitmap;
  }
  const result = analyseDrivers(entry, outcome.value.bitmap, populationBitmap, {
    ...(request.features ? { features: request.features } : {}),
    feature: {
      ...(request.bins !== undefined ? { bins: request.bins } : {}),
      ...(request.minShare !== undefined ? { minShare: request.minShare } : {}),
    },
    regression: {
      ...(request.holdoutPercent !== undefined ? { holdoutPercent: request.holdoutPercent } : {}),
      ...(request.maxFeatures !== undefined ? { maxFeatures: request.maxFeatures } : {}),
    },
    exclude: ruleFeatures(outcomeRule, entry),
    definition: { outcome: outcomeRule, population: populationRule ?? null },
  });
  outcome.value.bitmap.dispose();
  if (populationBitmap !== entry.index.universe) (populationBitmap as RoaringBitmap32).dispose();
  return result;
}

/** Feature ids a rule reads (attributes and tags, through saved segments it names): they define the outcome. */
export function ruleFeatures(rule: Rule, entry: Pick<SegmentIndexEntry, 'segments'>): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  // At most 33 levels are read, counted on through the saved segments named (the rule's root is level 1).
  const nothing = () => undefined;
  const visitor: RuleVisitor<void> = {
    all: nothing,
    any: nothing,
    not: nothing,
    ...everyLeaf(nothing),
    attr: (r, _path, depth) => {
      if (depth <= 33) out.add(`attr:${r.attr}`);
    },
    tag: (r, _path, depth) => {
      if (depth <= 33) out.add(`tag:${r.tag}`);
    },
    segment: (r, path, depth) => {
      if (depth > 33 || seen.has(r.segment)) return;
      seen.add(r.segment);
      const saved = entry.segments.get(r.segment);
      if (saved) walkRule(saved.rule, visitor, path, depth + 1);
    },
  };
  walkRule(rule, visitor);
  return out;
}

/** "Not enough data", with a stable code in `details.reason` that the dashboard words in its language. */
function notEnough(
  message: string,
  details: { reason: 'empty_population' | 'no_positive' | 'all_positive'; population: unknown },
): Result<never, DriversFailure> {
  return err<DriversFailure>({ code: 'not_enough_data', message, details });
}

/** Names which rule a failure is about. */
function prefixed(which: 'outcome' | 'population', failure: SegmentFailure): SegmentFailure {
  return { ...failure, message: `${which}: ${failure.message}` };
}
