import { EditOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Popconfirm, Row, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { EDITABLE_KINDS, tagsApi, type TagDetail, type TagTrend } from '../../api/tags.ts';
import { canManageTags, useMe } from '../../auth/session.tsx';
import { EChart } from '../../charts/EChart.tsx';
import { NotReady } from '../../components/LoadError.tsx';
import { BackLink, PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { formatInteger, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';
import { navigate } from '../../router.ts';
import { ChartCard } from '../overview/cards.tsx';
import { ComputeButton } from './ComputeButton.tsx';
import { ManualUpload } from './ManualUpload.tsx';
import { CATEGORY_COLORS, categoryLabel, kindLabel } from './labels.ts';
import { distributionOption, trendOption } from './tagCharts.ts';
import { TagDefinition } from './TagDefinition.tsx';
import { ValueTable } from './ValueTable.tsx';

const TREND_DAYS = 30;

/** One tag: its value distribution on the latest snapshot, its trend, and its definition. */
export function TagDetailPage({ tagKey }: { tagKey: string }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const me = useMe();
  const { data, error, reload } = useLoad(
    async (signal): Promise<{ tag: TagDetail; trend: TagTrend | null }> => {
      const [tag, trend] = await Promise.all([
        tagsApi.get(tagKey, signal),
        tagsApi.trend(tagKey, TREND_DAYS, signal).catch(() => null),
      ]);
      return { tag, trend };
    },
    [tagKey],
  );
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const charts = useMemo(() => {
    if (!data) return null;
    const labels = new Map(data.tag.values.map((v) => [v.value, pick(v.label, lang) || v.value]));
    return {
      distribution: distributionOption(data.tag.values, lang, t('tags.members')),
      trend: data.trend ? trendOption(data.trend, labels, lang) : null,
    };
  }, [data, lang, t]);

  const back = <BackLink to="/tags">{t('tags.backToCatalogue')}</BackLink>;
  if (!data || !charts)
    return (
      <NotReady
        header={
          // Before the tag loads (or when there is none by that key) the dictionary may still name it; if not, the
          // key shows only as a raw hint under a generic title.
          <PageHeader
            title={dictionary.entry('tag', tagKey) ? dictionary.displayName('tag', tagKey) : t('tags.name')}
            subtitle={
              <Typography.Text code data-raw-key>
                {tagKey}
              </Typography.Text>
            }
            back={back}
          />
        }
        error={data ? null : error}
        failedTitle={t('tags.detailLoadFailed')}
        onRetry={reload}
        rows={10}
      />
    );

  const { tag, trend } = data;
  const definer = canManageTags(me);
  const editable = definer && !tag.builtin && (EDITABLE_KINDS as readonly string[]).includes(tag.kind);
  const members = tag.values.reduce((s, v) => s + v.members, 0);
  const asOf = trend?.points.at(-1)?.asOf ?? '—';
  const remove = async () => {
    setDeleteError(null);
    try {
      await tagsApi.retire(tag.key);
      navigate('/tags');
    } catch (e) {
      setDeleteError(errorText(e));
    }
  };

  return (
    <div data-testid="tag-detail" data-key={tag.key}>
      <PageHeader
        back={back}
        title={<span data-testid="tag-detail-name">{dictionary.nameOr('tag', tag.key, tag.name)}</span>}
        subtitle={
          <Space size={8} wrap>
            <Typography.Text code data-raw-key>
              {tag.key}
            </Typography.Text>
            <Tag color={CATEGORY_COLORS[tag.category] ?? 'default'}>{categoryLabel(tag.category, t)}</Tag>
            <Tag>{kindLabel(tag.kind, t)}</Tag>
            <Tag>v{tag.version}</Tag>
            <Tag color={tag.status === 'active' ? 'green' : 'default'}>
              {t(tag.status === 'active' ? 'tags.status.active' : 'tags.status.retired')}
            </Tag>
            <Tag color={tag.builtin ? 'blue' : 'default'}>
              {tag.builtin ? t('tags.builtin') : t('tags.custom')}
            </Tag>
          </Space>
        }
        extra={
          <>
            {editable && (
              <Button
                icon={<EditOutlined />}
                onClick={() => navigate(`/tags/${encodeURIComponent(tag.key)}/edit`)}
                data-testid="tag-edit"
              >
                {t('tags.edit')}
              </Button>
            )}
            {editable && (
              <Popconfirm
                title={t('tags.retireConfirm')}
                onConfirm={remove}
                okText={t('tags.retire')}
                cancelText={t('common.cancel')}
              >
                <Button danger icon={<StopOutlined />} data-testid="tag-retire">
                  {t('tags.retire')}
                </Button>
              </Popconfirm>
            )}
            {definer && <ComputeButton keys={[tag.key]} onDone={reload} />}
          </>
        }
      />
      {deleteError && <Alert type="error" showIcon title={deleteError} style={{ marginBottom: 16 }} />}
      {tag.description && <Typography.Paragraph type="secondary">{tag.description}</Typography.Paragraph>}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ChartCard
            title={t('tags.distribution')}
            extra={
              <Typography.Text type="secondary">
                {t('tags.coverage')}{' '}
                <Typography.Text
                  strong
                  data-testid="tag-detail-coverage"
                  data-value={String(tag.coverage ?? '')}
                >
                  {tag.coverage === null ? '—' : formatPercent(tag.coverage, lang)}
                </Typography.Text>
                {' · '}
                {t('tags.members')}{' '}
                <Typography.Text strong data-testid="tag-detail-members" data-value={String(members)}>
                  {formatInteger(members, lang)}
                </Typography.Text>
              </Typography.Text>
            }
            definition={t('tags.distributionDefinition')}
            scope={t('tags.latestSnapshot')}
            asOf={asOf}
            testId="chart-tag-distribution"
          >
            {tag.values.length > 0 ? (
              <EChart option={charts.distribution} height={Math.max(180, 36 * tag.values.length + 30)} />
            ) : (
              <Alert type="info" showIcon title={t('tags.noValuesYet')} />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard
            title={t('tags.trend', { n: TREND_DAYS })}
            extra={
              <Typography.Text
                type="secondary"
                data-testid="tag-trend-points"
                data-value={String(trend?.points.length ?? 0)}
              >
                {t('tags.snapshots', { n: trend?.points.length ?? 0 })}
              </Typography.Text>
            }
            definition={t('tags.trendDefinition')}
            scope={t('tags.lastSnapshots', { n: TREND_DAYS })}
            asOf={asOf}
            testId="chart-tag-trend"
          >
            {charts.trend && (trend?.points.length ?? 0) > 0 ? (
              <EChart
                option={charts.trend}
                height={Math.max(180, 36 * Math.min(tag.values.length, 8) + 30)}
              />
            ) : (
              <Alert type="info" showIcon title={t('tags.noTrendYet')} />
            )}
          </ChartCard>
        </Col>
        <Col span={24}>
          <Card title={t('tags.valuesTitle')} data-testid="tag-values-card">
            <ValueTable values={tag.values} />
          </Card>
        </Col>
        {definer && tag.kind === 'manual' && !tag.builtin && (
          <Col span={24}>
            <ManualUpload tagKey={tag.key} onImported={() => undefined} />
          </Col>
        )}
        <Col span={24}>
          <TagDefinition tag={tag} />
        </Col>
      </Row>
    </div>
  );
}
