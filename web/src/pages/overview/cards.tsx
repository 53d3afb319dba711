import { InfoCircleOutlined } from '@ant-design/icons';
import { Card, Col, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';

/** A key figure: label, the formatted value (raw value in data-value for exact checks) and what it counts. */
export function KpiCard(props: {
  label: string;
  help: string;
  display: string;
  raw: number;
  testId: string;
  title?: string;
  accent: string;
  icon: ReactNode;
}) {
  return (
    <Card style={{ height: '100%' }} styles={{ body: { padding: '20px 24px' } }}>
      <div style={{ display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', gap: 12 }}>
        <div style={{ minWidth: 0 }}>
          <Typography.Text type="secondary">{props.label}</Typography.Text>
          <div
            style={{
              fontSize: 30,
              fontWeight: 600,
              lineHeight: 1.3,
              marginTop: 6,
              fontVariantNumeric: 'tabular-nums',
            }}
          >
            <span data-testid={props.testId} data-value={String(props.raw)} title={props.title}>
              {props.display}
            </span>
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {props.help}
          </Typography.Text>
        </div>
        <div
          style={{
            flex: 'none',
            width: 44,
            height: 44,
            borderRadius: 10,
            display: 'grid',
            placeItems: 'center',
            fontSize: 20,
            color: props.accent,
            background: `${props.accent}14`,
          }}
        >
          {props.icon}
        </div>
      </div>
    </Card>
  );
}

/** One key figure's card. */
export type Kpi = Parameters<typeof KpiCard>[0];

/** Key figures four abreast on wide screens, two on small ones, one on phones: columns of the caller's Row. */
export function KpiCols({ items }: { items: readonly Kpi[] }) {
  return (
    <>
      {items.map((kpi) => (
        <Col key={kpi.testId} xs={24} sm={12} xl={6}>
          <KpiCard {...kpi} />
        </Col>
      ))}
    </>
  );
}

/** A chart panel that states what it shows: its definition, its window and how fresh the data is. */
export function ChartCard(props: {
  title: string;
  extra?: ReactNode;
  definition: string;
  scope: string;
  asOf: string;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card
      title={props.title}
      extra={props.extra}
      data-testid={props.testId}
      style={{ height: '100%' }}
      styles={{ body: { paddingTop: 16, paddingBottom: 12 } }}
    >
      {props.children}
      <div
        style={{
          marginTop: 10,
          paddingTop: 10,
          borderTop: '1px dashed #eef0f3',
          fontSize: 12,
          lineHeight: 1.6,
        }}
        data-testid={`${props.testId}-meta`}
      >
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          <Tooltip title={t('overview.definition')}>
            <InfoCircleOutlined style={{ marginInlineEnd: 6 }} />
          </Tooltip>
          <span data-testid={`${props.testId}-definition`}>{props.definition}</span>
        </Typography.Text>
        <br />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {props.scope} · {t('overview.asOf', { date: props.asOf })}
        </Typography.Text>
      </div>
    </Card>
  );
}
