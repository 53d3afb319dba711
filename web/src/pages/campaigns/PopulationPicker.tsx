import { Form, Radio, Select, Typography } from 'antd';
import { asRule, toApiRule, type Rule } from '../../api/rule.ts';
import { segmentsApi } from '../../api/segments.ts';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { EMPTY_RULE } from '../segments/builder/useRuleEditor.ts';
import type { Population } from './api.ts';
import { RuleAudience } from './RuleAudience.tsx';

const TIERS = ['mass', 'gold', 'platinum', 'diamond', 'private'] as const;
type AudienceKind = 'segment' | 'tiers' | 'rule';
type TiersRule = { tag: 'aum_tier'; in: string[] };

/** The tiers choice is the rule "aum_tier in …" alone; any other rule is built in the builder. */
function tiersOf(population: Population): string[] | null {
  if (!('rule' in population)) return null;
  const rule = population.rule as Partial<TiersRule> & object;
  return Object.keys(rule).length === 2 && rule.tag === 'aum_tier' && Array.isArray(rule.in) ? rule.in : null;
}

function kindOf(population: Population): AudienceKind {
  return 'segmentId' in population ? 'segment' : tiersOf(population) ? 'tiers' : 'rule';
}

/**
 * Who: a saved customer group, customers of chosen tiers, or a rule built as in the segment builder (lists uploaded
 * there too), with how many there are now. The campaign wizard's audience and an activity's invitations.
 */
export function PopulationPicker({
  population,
  onChange,
}: {
  population: Population;
  onChange: (population: Population) => void;
}) {
  const { t } = useI18n();
  const segments = useLoad((signal) => segmentsApi.list(signal), []);
  const kind = kindOf(population);
  const tiers = tiersOf(population) ?? [];
  const rule: Rule = 'rule' in population ? (asRule(population.rule) ?? EMPTY_RULE) : EMPTY_RULE;
  const setRule = (next: Rule | TiersRule) => onChange({ rule: toApiRule(next) });
  const choose = (next: AudienceKind) => {
    if (next === 'segment') onChange({ segmentId: segments.data?.segments[0]?.id ?? '' });
    else if (next === 'tiers') setRule({ tag: 'aum_tier', in: ['gold'] });
    // The tiers chosen so far become the rule's first condition.
    else setRule(tiers.length ? { all: [{ tag: 'aum_tier', in: tiers }] } : EMPTY_RULE);
  };
  const segment =
    'segmentId' in population
      ? segments.data?.segments.find((s) => s.id === population.segmentId)
      : undefined;
  return (
    <>
      <Form.Item label={t('wizard.audience.kind')}>
        <Radio.Group value={kind} onChange={(e) => choose(e.target.value)} data-testid="audience-kind">
          <Radio value="segment">{t('wizard.audience.segment')}</Radio>
          <Radio value="tiers">{t('wizard.audience.tiers')}</Radio>
          <Radio value="rule" data-testid="audience-kind-rule">
            {t('wizard.audience.rule')}
          </Radio>
        </Radio.Group>
      </Form.Item>
      {kind === 'segment' && (
        <Form.Item label={t('wizard.audience.pickSegment')}>
          <Select
            value={'segmentId' in population && population.segmentId ? population.segmentId : undefined}
            onChange={(segmentId: string) => onChange({ segmentId })}
            options={(segments.data?.segments ?? []).map((s) => ({ value: s.id, label: s.name }))}
            style={{ maxWidth: 420 }}
            data-testid="audience-segment"
          />
        </Form.Item>
      )}
      {kind === 'tiers' && (
        <Form.Item label={t('wizard.audience.pickTiers')}>
          <Select
            mode="multiple"
            value={tiers}
            onChange={(values: string[]) => setRule({ tag: 'aum_tier', in: values })}
            options={TIERS.map((v) => ({ value: v, label: t(`tier.${v}` as MessageKey) }))}
            style={{ maxWidth: 420 }}
          />
        </Form.Item>
      )}
      {kind === 'rule' ? (
        <Form.Item>
          <RuleAudience rule={rule} onChange={setRule} />
        </Form.Item>
      ) : (
        <AudienceCount
          tiers={kind === 'tiers' ? tiers : null}
          members={segment ? segment.members : undefined}
        />
      )}
    </>
  );
}

/** How many a saved group (`members`, null until materialised) or the chosen tiers have now. */
function AudienceCount({ tiers, members }: { tiers: string[] | null; members: number | null | undefined }) {
  const { t, lang } = useI18n();
  const count = useLoad(
    (signal) =>
      tiers?.length
        ? segmentsApi.preview(toApiRule({ tag: 'aum_tier', in: tiers }), signal).then((p) => p.count)
        : Promise.resolve(null),
    [tiers?.join(',')],
  );
  const shown = tiers ? count.data : (members ?? null);
  return (
    <Typography.Text strong data-testid="audience-count" data-value={shown ?? ''}>
      {shown === null || shown === undefined
        ? members === null
          ? t('wizard.audience.countUnknown')
          : ''
        : t('wizard.audience.count', { n: formatInteger(shown, lang) })}
    </Typography.Text>
  );
}
