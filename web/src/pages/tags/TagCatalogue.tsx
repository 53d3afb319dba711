import { CalendarOutlined, PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Space, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { tagsApi, TAG_CATEGORIES, type TagSummary } from '../../api/tags.ts';
import { canManageTags, useMe } from '../../auth/session.tsx';
import { NotReady } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { categoryLabel } from './labels.ts';
import { ComputeButton } from './ComputeButton.tsx';
import { TagTable } from './TagTable.tsx';

/** Every tag definition, grouped by category, with its coverage and values on the latest snapshot. */
export function TagCatalogue() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { data, error, loading, reload } = useLoad((signal) => tagsApi.list(signal), []);
  const [query, setQuery] = useState('');

  const groups = useMemo(() => {
    if (!data) return [];
    const q = query.trim().toLowerCase();
    const match = (tag: TagSummary) =>
      q === '' ||
      tag.key.toLowerCase().includes(q) ||
      tag.name.en.toLowerCase().includes(q) ||
      tag.name.zh.includes(q);
    const known = new Set<string>(TAG_CATEGORIES);
    const order = [
      ...TAG_CATEGORIES,
      ...new Set(data.tags.map((x) => x.category).filter((c) => !known.has(c))),
    ];
    return order
      .map((category) => ({ category, tags: data.tags.filter((x) => x.category === category && match(x)) }))
      .filter((g) => g.tags.length > 0);
  }, [data, query]);

  const header = (
    <PageHeader
      title={t('tags.title')}
      subtitle={t('tags.subtitle')}
      extra={
        <Space size={12} wrap>
          {data && (
            <Tag
              icon={<CalendarOutlined />}
              color="blue"
              data-testid="tags-asof"
              data-value={data.asOf ?? ''}
            >
              {data.asOf ? t('overview.asOf', { date: data.asOf }) : t('tags.neverComputed')}
            </Tag>
          )}
          {data?.asOf && (
            <Tag data-testid="tags-customers" data-value={String(data.customers)}>
              {t('tags.customersTotal', { n: formatInteger(data.customers, lang) })}
            </Tag>
          )}
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading && data !== null}>
            {t('overview.refresh')}
          </Button>
          {canManageTags(me) && (
            <Button icon={<PlusOutlined />} onClick={() => navigate('/tags/new')} data-testid="tag-new">
              {t('tags.new')}
            </Button>
          )}
          {canManageTags(me) && <ComputeButton onDone={reload} />}
        </Space>
      }
    />
  );

  if (!data)
    return (
      <NotReady header={header} error={error} failedTitle={t('tags.loadFailed')} onRetry={reload} rows={8} />
    );

  return (
    <div data-testid="tag-catalogue" aria-busy={loading}>
      {header}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap size={16}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('tags.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 280 }}
            data-testid="tag-search"
          />
        </Space>
      </Card>
      {groups.length === 0 && (
        <Card>
          <Empty description={data.tags.length === 0 ? t('tags.empty') : t('tags.noMatch')} />
        </Card>
      )}
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {groups.map((g) => (
          <Card
            key={g.category}
            title={
              <span>
                {categoryLabel(g.category, t)} <Tag style={{ marginInlineStart: 8 }}>{g.tags.length}</Tag>
              </span>
            }
            data-testid={`tag-category-${g.category}`}
            styles={{ body: { padding: 0 } }}
          >
            <TagTable tags={g.tags} computed={data.asOf !== null} />
          </Card>
        ))}
      </Space>
    </div>
  );
}
