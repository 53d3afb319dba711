import { Form, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import { asRule, toApiRule, type Rule } from '../../api/rule.ts';
import { segmentsApi } from '../../api/segments.ts';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { EMPTY_RULE } from '../segments/builder/useRuleEditor.ts';
import { HOLDING_REMINDER_KINDS, type Population, type Reminder } from './api.ts';
import { RuleAudience } from './RuleAudience.tsx';
import type { StepProps } from './WizardSteps.tsx';

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
 * Who: a saved customer group, customers of chosen tiers, or a rule built as in the segment builder; with how many
 * there are now. Optionally a holding reminder, which narrows each run to the customers whose holding falls due.
 */
export function AudienceStep({ draft, set }: StepProps) {
  const { t } = useI18n();
  const segments = useLoad((signal) => segmentsApi.list(signal), []);
  const population = draft.population;
  const kind = kindOf(population);
  const tiers = tiersOf(population) ?? [];
  const rule: Rule = 'rule' in population ? (asRule(population.rule) ?? EMPTY_RULE) : EMPTY_RULE;
  const setRule = (next: Rule | TiersRule) => set({ population: { rule: toApiRule(next) } });
  const choose = (next: AudienceKind) => {
    if (next === 'segment') set({ population: { segmentId: segments.data?.segments[0]?.id ?? '' } });
    else if (next === 'tiers') setRule({ tag: 'aum_tier', in: ['gold'] });
    // The tiers chosen so far become the rule's first condition.
    else setRule(tiers.length ? { all: [{ tag: 'aum_tier', in: tiers }] } : EMPTY_RULE);
  };
  const segment =
    'segmentId' in population
      ? segments.data?.segments.find((s) => s.id === population.segmentId)
      : undefined;
  return (
    <Form layout="vertical">
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
            onChange={(segmentId: string) => set({ population: { segmentId } })}
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
      <ReminderFields draft={draft} set={set} />
    </Form>
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

const FIRST_REMINDER: Reminder = { kind: 'deposit_maturity', daysBefore: 7 };

/**
 * A holding reminder (off by default): a service notice to the customers of the audience whose holding of a kind
 * falls due some days after each run day. Turning it on makes the campaign a service one that runs daily.
 */
function ReminderFields({ draft, set }: StepProps) {
  const { t } = useI18n();
  const reminder = draft.reminder;
  const toggle = (on: boolean) => {
    if (!on) return set({ reminder: undefined });
    const time = 'time' in draft.schedule ? draft.schedule.time : '09:00';
    set({ reminder: FIRST_REMINDER, purpose: 'service', schedule: { kind: 'daily', time } });
  };
  const kindLabel = (kind: Reminder['kind']) => t(`pool.reminder.${kind}` as MessageKey);
  return (
    <Form.Item label={t('wizard.reminder.title')} style={{ marginTop: 16 }}>
      <Space orientation="vertical" size={8}>
        <Space wrap>
          <Switch checked={reminder !== undefined} onChange={toggle} data-testid="reminder-on" />
          {reminder && (
            <>
              <Select
                value={reminder.kind}
                onChange={(kind: Reminder['kind']) => set({ reminder: { ...reminder, kind } })}
                options={HOLDING_REMINDER_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
                style={{ minWidth: 200 }}
                data-testid="reminder-kind"
              />
              <Typography.Text>{t('wizard.reminder.daysBefore')}</Typography.Text>
              <InputNumber
                min={0}
                max={60}
                precision={0}
                value={reminder.daysBefore}
                onChange={(v) => set({ reminder: { ...reminder, daysBefore: v ?? 0 } })}
                data-testid="reminder-days"
              />
            </>
          )}
        </Space>
        <Typography.Text type="secondary" data-testid="reminder-reaches">
          {reminder
            ? t('wizard.reminder.reaches', { kind: kindLabel(reminder.kind), days: reminder.daysBefore })
            : t('wizard.reminder.off')}
        </Typography.Text>
      </Space>
    </Form.Item>
  );
}
