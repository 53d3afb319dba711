import { Form, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { HOLDING_REMINDER_KINDS, type Reminder } from './api.ts';
import { PopulationPicker } from './PopulationPicker.tsx';
import type { StepProps } from './WizardSteps.tsx';

/**
 * Who: a saved customer group, customers of chosen tiers, or a rule (PopulationPicker). Optionally a holding reminder,
 * which narrows each run to the customers whose holding falls due.
 */
export function AudienceStep({ draft, set }: StepProps) {
  return (
    <Form layout="vertical">
      <PopulationPicker population={draft.population} onChange={(population) => set({ population })} />
      <ReminderFields draft={draft} set={set} />
    </Form>
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
