import { FieldTimeOutlined } from '@ant-design/icons';
import { App, Button, Space, Typography } from 'antd';
import { useMe } from '../auth/session.tsx';
import { useLoad } from './useLoad.ts';
import { useSubmit } from './useSubmit.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { testClockApi } from '../api/test-clock.ts';

/**
 * The trial installation's test clock (FLYWHEEL_TEST_CLOCK): the business day it shows and, for an admin, buttons that
 * move it forward — the worker then moves journeys' customers whose waits fell due, an activity's day comes. Hidden
 * when the clock is off.
 */
export function TestClockBar({ onMoved }: { onMoved: () => void }) {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const clock = useLoad((signal) => testClockApi.get(signal), []);
  const { busy, submit } = useSubmit();
  if (!clock.data?.enabled) return null;
  const may = me.permissions.includes('clock.advance');
  const advance = (by: { days?: number; hours?: number }) =>
    submit(
      async () => {
        await testClockApi.advance(by);
        clock.reload();
        onMoved();
      },
      (e) => {
        message.error(String(e));
        return String(e);
      },
    );
  const now = new Date(clock.data.now).toLocaleString(lang, {
    timeZone: clock.data.timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (
    <Space
      data-testid="test-clock"
      wrap
      style={{ padding: '6px 12px', background: '#fffbe6', border: '1px solid #ffe58f', borderRadius: 6 }}
    >
      <FieldTimeOutlined />
      <Typography.Text>
        {t('jny.clock.now')} <b data-testid="test-clock-today">{clock.data.today}</b> ({now})
      </Typography.Text>
      {clock.data.offsetMs > 0 && (
        <Typography.Text type="secondary">
          {t('jny.clock.ahead', { days: (clock.data.offsetMs / 86_400_000).toFixed(1) })}
        </Typography.Text>
      )}
      {may && (
        <>
          <Button
            size="small"
            loading={busy}
            onClick={() => void advance({ hours: 1 })}
            data-testid="test-clock-hour"
          >
            {t('jny.clock.plusHour')}
          </Button>
          <Button
            size="small"
            loading={busy}
            onClick={() => void advance({ days: 1 })}
            data-testid="test-clock-day"
          >
            {t('jny.clock.plusDay')}
          </Button>
          <Button
            size="small"
            loading={busy}
            onClick={() => void advance({ days: 7 })}
            data-testid="test-clock-week"
          >
            {t('jny.clock.plusWeek')}
          </Button>
        </>
      )}
    </Space>
  );
}
