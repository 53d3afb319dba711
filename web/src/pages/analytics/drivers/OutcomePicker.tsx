import { Checkbox, Radio, Select, Space } from 'antd';
import { useMemo } from 'react';
import type { AttrRule, EventRule, Rule, TagRule } from '../../../api/rule.ts';
import type { SegmentCatalogue } from '../../../api/segments.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AttrCondition } from '../../segments/builder/AttrCondition.tsx';
import { BuilderCtx, type BuilderContext } from '../../segments/builder/context.ts';
import { EventCondition } from '../../segments/builder/EventCondition.tsx';
import { TagCondition } from '../../segments/builder/TagCondition.tsx';

/** How the outcome is given: a tag value, an attribute condition, an event, or membership of a saved group. */
export type OutcomeKind = 'tag' | 'attribute' | 'event' | 'segment';

/** The outcome as the picker holds it: a kind, the condition of that kind, and whether it is negated. */
export interface Outcome {
  readonly kind: OutcomeKind;
  readonly rule: Rule;
  readonly negated: boolean;
}

/**
 * A first outcome of each kind that is valid for the data at hand, from the catalogue: a value of the first tag with
 * two values or more, the first attribute with known values (its first value), the first event seen in 30 days, the
 * first saved group.
 */
export function exampleOutcome(kind: OutcomeKind, catalogue: SegmentCatalogue): Rule {
  if (kind === 'tag') {
    const tag = catalogue.tags.find((x) => x.values.length >= 2) ?? catalogue.tags[0];
    return { tag: tag?.key ?? '', in: tag?.values[0] ? [tag.values[0].value] : [] } satisfies TagRule;
  }
  if (kind === 'attribute') {
    // a string attribute with known values first (its first value); else the first attribute, its value to fill in
    const attr =
      catalogue.attributes.find((a) => a.type === 'string' && (a.values?.length ?? 0) > 0) ??
      catalogue.attributes[0];
    const value =
      attr?.type === 'string' ? (attr.values?.[0] ?? null) : attr?.type === 'boolean' ? true : null;
    return { attr: attr?.name ?? '', op: '=', value } satisfies AttrRule;
  }
  if (kind === 'event')
    return { event: catalogue.events[0]?.name ?? '', count: { gte: 1 }, within_days: 30 } satisfies EventRule;
  return { segment: catalogue.segments[0]?.id ?? '' };
}

/** The picker's state of a rule (an outcome saved or linked before): its kind, the condition, negated or not. */
export function outcomeOf(rule: Rule): Outcome {
  const negated = typeof rule === 'object' && rule !== null && 'not' in rule;
  const inner = negated ? (rule as { not: Rule }).not : rule;
  const kind: OutcomeKind =
    'tag' in inner ? 'tag' : 'attr' in inner ? 'attribute' : 'event' in inner ? 'event' : 'segment';
  return { kind, rule: inner, negated };
}

/** The rule the analysis takes for an outcome. */
export function outcomeRule(outcome: Outcome): Rule {
  return outcome.negated ? { not: outcome.rule } : outcome.rule;
}

/** The outcome picker: kind, then the condition with the group builder's own editors, and "does not match". */
export function OutcomePicker(props: {
  catalogue: SegmentCatalogue;
  value: Outcome;
  onChange: (next: Outcome) => void;
}) {
  const { t } = useI18n();
  const { catalogue, value } = props;
  const ctx: BuilderContext = useMemo(
    () => ({
      catalogue,
      issues: new Map(),
      selfId: null,
      reloadCatalogue: async () => catalogue,
    }),
    [catalogue],
  );
  const set = (patch: Partial<Outcome>) => props.onChange({ ...value, ...patch });
  const r = value.rule;
  return (
    <BuilderCtx.Provider value={ctx}>
      <Space orientation="vertical" style={{ width: '100%' }} data-testid="drivers-outcome">
        <Radio.Group
          value={value.kind}
          onChange={(e) => {
            const kind = e.target.value as OutcomeKind;
            set({ kind, rule: exampleOutcome(kind, catalogue) });
          }}
          data-testid="drivers-outcome-kind"
        >
          {(['tag', 'attribute', 'event', 'segment'] as const).map((k) => (
            <Radio key={k} value={k} data-testid={`drivers-outcome-kind-${k}`}>
              {t(`analytics.drivers.outcomeKind.${k}`)}
            </Radio>
          ))}
        </Radio.Group>
        <Space wrap align="center">
          {'tag' in r && <TagCondition rule={r} onChange={(rule) => set({ rule })} />}
          {'attr' in r && <AttrCondition rule={r} onChange={(rule) => set({ rule })} />}
          {'event' in r && <EventCondition rule={r} onChange={(rule) => set({ rule })} />}
          {'segment' in r && (
            <Select
              showSearch
              optionFilterProp="label"
              value={r.segment || undefined}
              onChange={(segment: string) => set({ rule: { segment } })}
              placeholder={t('analytics.drivers.pickSegment')}
              options={catalogue.segments.map((s) => ({ value: s.id, label: s.name }))}
              style={{ minWidth: 280 }}
              data-testid="drivers-outcome-segment"
            />
          )}
        </Space>
        <Checkbox
          checked={value.negated}
          onChange={(e) => set({ negated: e.target.checked })}
          data-testid="drivers-outcome-negated"
        >
          {t('analytics.drivers.outcomeNegated')}
        </Checkbox>
      </Space>
    </BuilderCtx.Provider>
  );
}
