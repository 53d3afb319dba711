import { InfoCircleOutlined } from '@ant-design/icons';
import { Card, Table, Tooltip, Typography } from 'antd';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger, formatPercent } from '../../format.ts';
import type { MessageKey } from '../../i18n/en-US.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';
import { campaignsApi, type ByProductRole } from './api.ts';
import { productRoleKey } from './labels.ts';

type Row = ByProductRole['roles'][number];
const COUNTS = ['campaigns', 'runs', 'targeted', 'sent', 'clicked', 'converted'] as const;

/** Completed runs of every campaign in the last 90 days, summed by the role of their content's product. */
export function ByRoleCard() {
  const { t, lang } = useI18n();
  const loaded = useLoad((signal) => campaignsApi.byProductRole(signal), []);
  if (loaded.error)
    return <LoadError error={loaded.error} title={t('cmp.loadFailed')} onRetry={loaded.reload} />;
  const r = loaded.data;
  // Each heading carries what its figure counts (the answer's definitions, in the reader's language).
  const heading = (key: (typeof COUNTS)[number] | 'role' | 'conversionRate') => {
    const definition = pick(r?.definitions[key], lang);
    const title = t(`byRole.col.${key}` as MessageKey);
    return definition ? (
      <Tooltip title={definition}>
        {title} <InfoCircleOutlined />
      </Tooltip>
    ) : (
      title
    );
  };
  return (
    <Card title={t('byRole.title')} style={{ marginTop: 16 }} data-testid="campaign-by-role">
      {r && (
        <Typography.Paragraph type="secondary">
          {t('byRole.range', { from: r.from, to: r.to })} ·{' '}
          {t('res.freshness', {
            through: r.freshness.eventsThrough
              ? formatDateTime(r.freshness.eventsThrough)
              : t('res.noEvents'),
            at: formatDateTime(r.freshness.computedAt),
          })}
        </Typography.Paragraph>
      )}
      <Table<Row>
        size="small"
        rowKey="role"
        loading={loaded.loading}
        pagination={false}
        dataSource={r?.roles ?? []}
        columns={[
          {
            title: heading('role'),
            dataIndex: 'role',
            render: (role: string) => t(productRoleKey(role === 'none' ? null : role)),
          },
          ...COUNTS.map((k) => ({
            title: heading(k),
            dataIndex: k,
            align: 'right' as const,
            render: (v: number) => formatInteger(v, lang),
          })),
          {
            title: heading('conversionRate'),
            dataIndex: 'conversionRate',
            align: 'right' as const,
            render: (v: number | null) => (v === null ? '–' : formatPercent(v, lang, 2)),
          },
        ]}
      />
    </Card>
  );
}
