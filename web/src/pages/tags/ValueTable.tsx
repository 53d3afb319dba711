import { Progress, Table, Typography } from 'antd';
import type { TagValueStat } from '../../api/tags.ts';
import { formatInteger, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** Each value of a tag with its bilingual label, members and share of customers. */
export function ValueTable({ values }: { values: readonly TagValueStat[] }) {
  const { t, lang } = useI18n();
  return (
    <Table<TagValueStat>
      size="small"
      rowKey="value"
      pagination={values.length > 20 ? { pageSize: 20 } : false}
      dataSource={[...values]}
      data-testid="tag-value-table"
      columns={[
        {
          title: t('tags.value'),
          dataIndex: 'value',
          render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
        },
        { title: t('tags.labelZh'), key: 'zh', render: (_: unknown, v) => v.label.zh },
        { title: t('tags.labelEn'), key: 'en', render: (_: unknown, v) => v.label.en },
        {
          title: t('tags.members'),
          dataIndex: 'members',
          align: 'right',
          render: (n: number, v) => (
            <span data-testid={`tag-value-${v.value}-members`} data-value={String(n)}>
              {formatInteger(n, lang)}
            </span>
          ),
        },
        {
          title: t('tags.share'),
          dataIndex: 'share',
          width: 220,
          render: (s: number, v) => (
            <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <Progress percent={s * 100} showInfo={false} size="small" style={{ width: 110, margin: 0 }} />
              <span data-testid={`tag-value-${v.value}-share`} data-value={String(s)}>
                {formatPercent(s, lang)}
              </span>
            </div>
          ),
        },
      ]}
    />
  );
}
