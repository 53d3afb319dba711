import { Card, Descriptions, Statistic, Typography } from 'antd';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Waterfall } from './api.ts';
import { waterfallKey } from './labels.ts';

/** The preview waterfall: audience, what each stage of the contact policy takes out, what is left to send. */
export function WaterfallView({
  waterfall,
  channelName,
}: {
  waterfall: Omit<Waterfall, 'asOf'> & { asOf?: string | null };
  channelName: (key: string) => string;
}) {
  const { t, lang } = useI18n();
  const n = (v: number) => formatInteger(v, lang);
  return (
    <Card size="small" data-testid="waterfall">
      {waterfall.asOf && (
        <Typography.Text type="secondary">{t('wf.asOf', { day: waterfall.asOf })}</Typography.Text>
      )}
      <Descriptions size="small" column={1} bordered style={{ marginTop: 8 }}>
        <Descriptions.Item label={t('wf.audience')}>
          <span data-testid="wf-audience" data-value={waterfall.audience}>
            {n(waterfall.audience)}
          </span>
        </Descriptions.Item>
        {/* The stages in the server's order: its schema lists SUPPRESS_REASONS and answers in that order. */}
        {Object.entries(waterfall.excluded).map(([stage, excluded]) => (
          <Descriptions.Item key={stage} label={t(waterfallKey(stage))}>
            <span data-testid={`wf-${stage}`} data-value={excluded}>
              − {n(excluded)}
            </span>
          </Descriptions.Item>
        ))}
      </Descriptions>
      <Statistic
        title={t('wf.toSend')}
        value={n(waterfall.toSend)}
        style={{ marginTop: 12 }}
        valueStyle={{ color: '#1677ff' }}
        data-testid="wf-toSend"
        data-value={waterfall.toSend}
      />
      {waterfall.deferred > 0 && waterfall.deferredUntil && (
        <Typography.Text type="warning" data-testid="wf-deferred">
          {t('wf.deferred', { until: formatDateTime(waterfall.deferredUntil) })}: {n(waterfall.deferred)}
        </Typography.Text>
      )}
      <div style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{t('wf.byChannel')}: </Typography.Text>
        {Object.entries(waterfall.byChannel)
          .map(([key, count]) => `${channelName(key)} ${n(count)}`)
          .join(' · ')}
      </div>
    </Card>
  );
}
