import { Badge, Progress, Table, Tag, Tooltip, Typography } from 'antd';
import type { TagSummary } from '../../api/tags.ts';
import { formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { navigate } from '../../router.ts';
import { kindLabel } from './labels.ts';

/** The tags of one category: name, kind, version, coverage, number of values, status and origin. */
export function TagTable({ tags, computed }: { tags: readonly TagSummary[]; computed: boolean }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  return (
    <Table<TagSummary>
      size="middle"
      rowKey="key"
      pagination={false}
      dataSource={[...tags]}
      onRow={(tag) => ({
        'data-testid': `tag-row-${tag.key}`,
        onClick: () => navigate(`/tags/${encodeURIComponent(tag.key)}`),
        style: { cursor: 'pointer' },
      })}
      columns={[
        {
          title: t('tags.name'),
          key: 'name',
          render: (_: unknown, tag) => (
            <div style={{ minWidth: 0 }}>
              <Typography.Link data-testid={`tag-name-${tag.key}`}>
                {dictionary.nameOr('tag', tag.key, tag.name)}
              </Typography.Link>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} code data-raw-key>
                  {tag.key}
                </Typography.Text>
              </div>
            </div>
          ),
        },
        {
          title: t('tags.kind'),
          dataIndex: 'kind',
          width: 130,
          render: (kind: string) => <Tag>{kindLabel(kind, t)}</Tag>,
        },
        {
          title: t('tags.version'),
          dataIndex: 'version',
          width: 80,
          align: 'right',
          render: (v: number) => `v${v}`,
        },
        {
          title: (
            <Tooltip title={t('tags.coverageHelp')}>
              <span>{t('tags.coverage')}</span>
            </Tooltip>
          ),
          dataIndex: 'coverage',
          width: 190,
          render: (c: number | null, tag) =>
            c === null || !computed ? (
              <Typography.Text type="secondary" data-testid={`tag-coverage-${tag.key}`} data-value="">
                {t('tags.notComputed')}
              </Typography.Text>
            ) : (
              <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
                <Progress percent={c * 100} showInfo={false} size="small" style={{ width: 90, margin: 0 }} />
                <span data-testid={`tag-coverage-${tag.key}`} data-value={String(c)}>
                  {formatPercent(c, lang)}
                </span>
              </div>
            ),
        },
        {
          title: t('tags.valueCount'),
          key: 'values',
          width: 90,
          align: 'right',
          render: (_: unknown, tag) => (
            <span data-testid={`tag-values-${tag.key}`} data-value={String(tag.values.length)}>
              {tag.values.length}
            </span>
          ),
        },
        {
          title: t('tags.status'),
          dataIndex: 'status',
          width: 110,
          render: (s: string) => (
            <Badge
              status={s === 'active' ? 'success' : 'default'}
              text={t(s === 'active' ? 'tags.status.active' : 'tags.status.retired')}
            />
          ),
        },
        {
          title: t('tags.origin'),
          dataIndex: 'builtin',
          width: 110,
          render: (b: boolean) => (
            <Tag color={b ? 'blue' : 'default'}>{b ? t('tags.builtin') : t('tags.custom')}</Tag>
          ),
        },
      ]}
    />
  );
}
