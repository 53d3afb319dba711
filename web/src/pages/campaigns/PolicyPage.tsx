import {
  App,
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Input,
  InputNumber,
  Row,
  Space,
  Table,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { policyApi, type Policy } from './api.ts';
import { DoNotContactCard, SensitiveWordsCard } from './PolicyLists.tsx';
import { kindKey, reachesKey } from './labels.ts';

const TOUCHPOINTS = ['sms', 'email', 'app_push', 'wecom', 'phone'] as const;
const PERIODS = ['day', 'week', 'month'] as const;

/** The contact policy (quiet hours, caps, holdout, service exemptions), sensitive words, do-not-contact, channels. */
export function PolicyPage({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const loaded = useLoad((signal) => policyApi.get(signal), []);
  const channels = useLoad((signal) => policyApi.channels(signal), []);
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setPolicy(loaded.data?.policy ?? null), [loaded.data]);

  const save = async () => {
    if (!policy) return;
    setBusy(true);
    try {
      await policyApi.save(policy);
      message.success(t('cmp.saved'));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const set = (patch: Partial<Policy>) => policy && setPolicy({ ...policy, ...patch });
  const setCap = (
    reaches: (typeof TOUCHPOINTS)[number],
    period: (typeof PERIODS)[number],
    value: number | null,
  ) =>
    policy &&
    set({
      caps: {
        ...policy.caps,
        [reaches]: { ...(policy.caps[reaches] ?? {}), [period]: value ?? undefined },
      },
    });

  return (
    <>
      <PageHeader title={t('policy.title')} subtitle={t('policy.subtitle')} />
      {!admin && <Alert type="info" showIcon title={t('policy.readOnly')} style={{ marginBottom: 16 }} />}
      {loaded.error ? (
        <LoadError error={loaded.error} title={t('cmp.loadFailed')} onRetry={loaded.reload} />
      ) : null}
      {policy && (
        <Card data-testid="policy-form">
          <Row gutter={24}>
            <Col xs={24} lg={10}>
              <Typography.Title level={5}>{t('policy.quiet')}</Typography.Title>
              <Checkbox
                checked={policy.quietHours !== null}
                disabled={!admin}
                onChange={(e) =>
                  set({ quietHours: e.target.checked ? { start: '21:00', end: '08:00' } : null })
                }
                data-testid="policy-quiet"
              >
                {t('policy.quietOn', { zone: loaded.data?.timeZone ?? '' })}
              </Checkbox>
              {policy.quietHours && (
                <Space style={{ margin: '8px 0' }}>
                  {t('policy.quietStart')}
                  <Input
                    type="time"
                    disabled={!admin}
                    value={policy.quietHours.start}
                    onChange={(e) => set({ quietHours: { ...policy.quietHours!, start: e.target.value } })}
                  />
                  {t('policy.quietEnd')}
                  <Input
                    type="time"
                    disabled={!admin}
                    value={policy.quietHours.end}
                    onChange={(e) => set({ quietHours: { ...policy.quietHours!, end: e.target.value } })}
                  />
                </Space>
              )}
              <div>
                <Checkbox
                  checked={policy.serviceIgnoresQuietHours}
                  disabled={!admin}
                  onChange={(e) => set({ serviceIgnoresQuietHours: e.target.checked })}
                >
                  {t('policy.serviceQuiet')}
                </Checkbox>
              </div>
              <div>
                <Checkbox
                  checked={policy.serviceIgnoresCaps}
                  disabled={!admin}
                  onChange={(e) => set({ serviceIgnoresCaps: e.target.checked })}
                >
                  {t('policy.serviceCaps')}
                </Checkbox>
              </div>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('policy.holdout')}
              </Typography.Title>
              <InputNumber
                min={0}
                max={20}
                disabled={!admin}
                value={policy.globalHoldoutPercent}
                onChange={(v) => set({ globalHoldoutPercent: v ?? 0 })}
                data-testid="policy-holdout"
              />
            </Col>
            <Col xs={24} lg={14}>
              <Typography.Title level={5}>{t('policy.caps')}</Typography.Title>
              <Table
                size="small"
                pagination={false}
                rowKey="reaches"
                dataSource={TOUCHPOINTS.map((reaches) => ({ reaches }))}
                columns={[
                  { title: '', dataIndex: 'reaches', render: (r: string) => t(reachesKey(r)) },
                  ...PERIODS.map((period) => ({
                    title: t(`policy.cap${period[0]!.toUpperCase()}${period.slice(1)}` as 'policy.capDay'),
                    key: period,
                    render: (_: unknown, row: { reaches: (typeof TOUCHPOINTS)[number] }) => (
                      <InputNumber
                        min={0}
                        disabled={!admin}
                        value={policy.caps[row.reaches]?.[period] ?? null}
                        onChange={(v) => setCap(row.reaches, period, v)}
                      />
                    ),
                  })),
                ]}
              />
            </Col>
          </Row>
          {admin && (
            <Button
              type="primary"
              loading={busy}
              onClick={save}
              style={{ marginTop: 16 }}
              data-testid="policy-save"
            >
              {t('policy.save')}
            </Button>
          )}
        </Card>
      )}
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <SensitiveWordsCard admin={admin} />
        </Col>
        <Col xs={24} lg={12}>
          {admin && <DoNotContactCard />}
        </Col>
      </Row>
      <Card title={t('policy.channels')} style={{ marginTop: 16 }}>
        <Table
          size="small"
          pagination={false}
          rowKey="key"
          dataSource={channels.data ?? []}
          columns={[
            { title: t('detail.col.channel'), dataIndex: 'kind', render: (k: string) => t(kindKey(k)) },
            { title: '', dataIndex: 'reaches', render: (r: string) => t(reachesKey(r)) },
            { title: '', dataIndex: 'enabled', render: (e: boolean) => (e ? '✓' : '—') },
          ]}
        />
      </Card>
    </>
  );
}
