import { Card, Col, Progress, Row, Skeleton, Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { poolApi, type PoolKpis } from '../../../api/pool.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatCnyCompact, formatCnyFull, formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label, TIER_TAG_COLORS } from '../labels.ts';

function Figure(props: {
  title: string;
  testId: string;
  raw: number | string;
  children: ReactNode;
  help?: string;
}) {
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Typography.Text type="secondary">{props.title}</Typography.Text>
      <div style={{ fontSize: 26, fontWeight: 600, margin: '4px 0', fontVariantNumeric: 'tabular-nums' }}>
        <span data-testid={props.testId} data-value={String(props.raw)}>
          {props.children}
        </span>
      </div>
      {props.help && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {props.help}
        </Typography.Text>
      )}
    </Card>
  );
}

/** Customers, AUM with its 30-day change, tier mix and the contacted rate of a pool (or of the whole scope). */
export function KpiCards({
  staffId,
  staffName,
  tick,
}: {
  staffId: string | undefined;
  staffName?: string | undefined;
  tick: number;
}) {
  const { t, lang } = useI18n();
  const { data, error, reload } = useLoad((signal) => poolApi.kpis(staffId, signal), [staffId, tick]);
  if (error && !data) return <LoadError error={error} title={t('pool.kpi.loadFailed')} onRetry={reload} />;
  if (!data)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 2 }} />
      </Card>
    );
  const k: PoolKpis = data;
  const change = k.aumChange;
  return (
    <Row gutter={[16, 16]} data-testid="pool-kpis">
      <Col xs={24} md={12} xl={6}>
        <Figure
          title={k.managerId ? t('pool.kpi.customers') : t(`care.kpi.customers.${k.scope}`)}
          testId="kpi-customers"
          raw={k.customers}
          help={
            k.managerId
              ? t('care.kpi.ofManager', { name: staffName ?? k.managerId })
              : k.scope === 'own'
                ? undefined
                : t('care.kpi.scopeHelp')
          }
        >
          {formatInteger(k.customers, lang)}
        </Figure>
      </Col>
      <Col xs={24} md={12} xl={6}>
        <Figure
          title={k.managerId || k.scope === 'own' ? t('pool.kpi.aum') : t('care.kpi.aumScope')}
          testId="kpi-aum"
          raw={k.aum}
        >
          <span title={formatCnyFull(k.aum, lang)}>{formatCnyCompact(k.aum, lang)}</span>
          <div style={{ fontSize: 13, fontWeight: 400 }} data-testid="kpi-aum-change">
            {change ? (
              <Typography.Text type={change.change >= 0 ? 'success' : 'danger'}>
                {t('pool.kpi.change30', {
                  change: `${change.change >= 0 ? '+' : ''}${formatCnyCompact(change.change, lang)}`,
                  share:
                    change.changeShare === null
                      ? '—'
                      : `${change.changeShare >= 0 ? '+' : ''}${formatPercent(change.changeShare, lang)}`,
                })}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">{t('pool.kpi.noChange')}</Typography.Text>
            )}
          </div>
        </Figure>
      </Col>
      <Col xs={24} md={12} xl={6}>
        <Card size="small" style={{ height: '100%' }} data-testid="kpi-tiers">
          <Typography.Text type="secondary">{t('pool.kpi.tiers')}</Typography.Text>
          <div style={{ marginTop: 8 }}>
            {k.tiers.map((row) => (
              <Tooltip key={row.tier} title={formatCnyCompact(row.aum, lang)}>
                <Tag color={TIER_TAG_COLORS[row.tier] ?? 'default'} style={{ marginBottom: 6 }}>
                  {label(t, 'tier', row.tier)} · {formatInteger(row.customers, lang)}
                </Tag>
              </Tooltip>
            ))}
            {k.tiers.length === 0 && <Typography.Text type="secondary">—</Typography.Text>}
          </div>
        </Card>
      </Col>
      <Col xs={24} md={12} xl={6}>
        <Figure
          title={t('pool.kpi.contacted')}
          testId="kpi-contacted"
          raw={k.contactedRate}
          help={t('pool.kpi.contactedHelp', { n: formatInteger(k.contacted30d, lang) })}
        >
          <Progress
            type="line"
            percent={Math.round(k.contactedRate * 1000) / 10}
            format={() => formatPercent(k.contactedRate, lang)}
          />
        </Figure>
      </Col>
    </Row>
  );
}
