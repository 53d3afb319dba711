import { Alert, Card, Col, Empty, Row, Skeleton, Tag, Tooltip } from 'antd';
import { useEffect, useMemo } from 'react';
import { ApiError } from '../../api/client.ts';
import { customersApi, type CustomerProfile, type Portrait, type PortraitTag } from '../../api/customers.ts';
import { TAG_CATEGORIES } from '../../api/tags.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';
import { navigate } from '../../router.ts';
import { CATEGORY_COLORS, categoryLabel } from '../tags/labels.ts';
import { Customer360 } from './Customer360.tsx';
import { ProfileCard } from './ProfileCard.tsx';

/** One customer's profile and label portrait: every tag they carry, grouped by category, in the UI language. */
export function PortraitView({ customerNo, onFound }: { customerNo: string; onFound: (no: string) => void }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const loaded = useLoad(
    async (signal): Promise<{ portrait: Portrait; profile: CustomerProfile | null }> => {
      // The profile is outside the portrait's reach when the customer is not in the user's data scope.
      const [portrait, profile] = await Promise.all([
        customersApi.portrait(customerNo, signal),
        customersApi.profile(customerNo, signal).catch(() => null),
      ]);
      return { portrait, profile };
    },
    [customerNo],
  );
  const { error, loading, reload } = loaded;
  const data = loaded.data?.portrait ?? null;

  useEffect(() => {
    if (data && data.customerNo === customerNo) onFound(customerNo);
    // Remember only customers that exist, once per lookup.
  }, [data, customerNo]);

  const groups = useMemo(() => {
    const tags = data?.tags ?? [];
    const known = new Set<string>(TAG_CATEGORIES);
    const order = [...TAG_CATEGORIES, ...new Set(tags.map((x) => x.category).filter((c) => !known.has(c)))];
    return order
      .map((category) => ({ category, tags: tags.filter((x) => x.category === category) }))
      .filter((g) => g.tags.length > 0);
  }, [data]);

  if (error && (!data || data.customerNo !== customerNo)) {
    if (error instanceof ApiError && error.status === 404)
      return (
        <Alert
          type="warning"
          showIcon
          title={t('customers.notFound', { no: customerNo })}
          data-testid="customer-not-found"
        />
      );
    return <LoadError error={error} title={t('customers.loadFailed')} onRetry={reload} />;
  }
  if (!data || data.customerNo !== customerNo || loading)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 6 }} />
      </Card>
    );

  const chip = (tag: PortraitTag) => (
    <Tooltip key={tag.key} title={`${tag.key} = ${tag.value}`}>
      <Tag
        color={CATEGORY_COLORS[tag.category] ?? 'default'}
        style={{ marginBottom: 8, padding: '2px 8px', cursor: 'pointer' }}
        data-testid={`portrait-tag-${tag.key}`}
        data-value={tag.value}
        onClick={() => navigate(`/tags/${encodeURIComponent(tag.key)}`)}
      >
        <span style={{ opacity: 0.75 }}>{dictionary.nameOr('tag', tag.key, tag.name)}</span>
        {' · '}
        <strong data-testid={`portrait-label-${tag.key}`}>{pick(tag.label, lang) || tag.value}</strong>
      </Tag>
    </Tooltip>
  );

  return (
    <Row gutter={[16, 16]} data-testid="customer-portrait" data-customer={data.customerNo}>
      <Col span={24}>
        <ProfileCard portrait={data} profile={loaded.data?.profile ?? null} />
      </Col>
      {loaded.data?.profile && (
        <Col span={24}>
          <Customer360 profile={loaded.data.profile} />
        </Col>
      )}
      <Col span={24}>
        <Card
          title={
            <span>
              {t('customers.portrait')}{' '}
              <Tag
                style={{ marginInlineStart: 8 }}
                data-testid="customer-tag-count"
                data-value={String(data.tags.length)}
              >
                {t('customers.tagCount', { n: data.tags.length })}
              </Tag>
            </span>
          }
          extra={
            <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
              {t('builder.elapsed', { ms: data.elapsedMs })}
            </span>
          }
        >
          {groups.length === 0 && <Empty description={t('customers.noTags')} />}
          <Row gutter={[16, 8]}>
            {groups.map((g) => (
              <Col xs={24} md={12} xl={8} key={g.category}>
                <div
                  data-testid={`portrait-category-${g.category}`}
                  style={{
                    border: '1px solid #eef0f3',
                    borderRadius: 8,
                    padding: '10px 12px',
                    height: '100%',
                  }}
                >
                  <div style={{ fontWeight: 600, marginBottom: 8 }}>{categoryLabel(g.category, t)}</div>
                  <div>{g.tags.map(chip)}</div>
                </div>
              </Col>
            ))}
          </Row>
        </Card>
      </Col>
    </Row>
  );
}
