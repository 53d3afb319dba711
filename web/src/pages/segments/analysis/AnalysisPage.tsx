import { CalendarOutlined, EditOutlined, FundViewOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { toApiRule } from '../../../api/rule.ts';
import { segmentsApi, type Analysis, type Segment } from '../../../api/segments.ts';
import { NotReady } from '../../../components/LoadError.tsx';
import { BackLink, PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate, useSearchParams } from '../../../router.ts';
import { SaveReportButton } from '../../reports/SaveReportButton.tsx';
import { AnalysisBody } from './AnalysisBody.tsx';

/** Group analysis of a saved segment (`segmentId`) or of a rule passed as `?rule=` by the builder. */
export function AnalysisPage({ segmentId }: { segmentId?: string }) {
  const { t } = useI18n();
  const params = useSearchParams();
  const ruleText = segmentId ? null : params.get('rule');
  const rule = useMemo(() => {
    if (ruleText === null) return { ok: false as const, problem: t('analysis.noRule') };
    try {
      return { ok: true as const, value: JSON.parse(ruleText) as unknown };
    } catch (e) {
      return { ok: false as const, problem: e instanceof Error ? e.message : String(e) };
    }
  }, [ruleText, t]);

  const { data, error, loading, reload } = useLoad(
    async (signal): Promise<{ analysis: Analysis; segment: Segment | null }> => {
      if (segmentId) {
        const [analysis, segment] = await Promise.all([
          segmentsApi.analysis(segmentId, signal),
          segmentsApi.get(segmentId, signal),
        ]);
        return { analysis, segment };
      }
      if (!rule.ok) throw new Error(rule.problem);
      return { analysis: await segmentsApi.analyseRule(toApiRule(rule.value), signal), segment: null };
    },
    [segmentId, ruleText],
  );

  const title = data?.segment ? t('analysis.titleFor', { name: data.segment.name }) : t('analysis.titleRule');
  const builderPath = segmentId
    ? `/segments/${encodeURIComponent(segmentId)}`
    : `/segments/new${ruleText ? `?rule=${encodeURIComponent(ruleText)}` : ''}`;
  // the key factors of this group: the drivers tab with the group as its population
  const keyFactorsPath = segmentId
    ? `/analytics/drivers?segment=${encodeURIComponent(segmentId)}`
    : `/analytics/drivers${ruleText ? `?population=${encodeURIComponent(ruleText)}` : ''}`;
  const header = (
    <PageHeader
      back={<BackLink to="/segments">{t('segments.backToList')}</BackLink>}
      title={<span data-testid="analysis-title">{title}</span>}
      subtitle={t('analysis.subtitle')}
      extra={
        <Space size={12} wrap>
          <SaveReportButton
            kind="group"
            definition={
              segmentId
                ? { population: { segmentId } }
                : rule.ok
                  ? { population: { rule: rule.value } }
                  : null
            }
            opened={null}
            defaultName={title}
          />
          {data && (
            <Tag
              icon={<CalendarOutlined />}
              color="blue"
              data-testid="analysis-asof"
              data-value={data.analysis.asOf}
            >
              {t('overview.asOf', { date: data.analysis.asOf })}
            </Tag>
          )}
          {data && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('builder.elapsed', { ms: data.analysis.elapsedMs })}
            </Typography.Text>
          )}
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading && data !== null}>
            {t('overview.refresh')}
          </Button>
          <Button icon={<EditOutlined />} onClick={() => navigate(builderPath)} data-testid="analysis-edit">
            {t('analysis.openBuilder')}
          </Button>
          <Button
            icon={<FundViewOutlined />}
            onClick={() => navigate(keyFactorsPath)}
            data-testid="analysis-key-factors"
          >
            {t('analytics.drivers.openFromGroup')}
          </Button>
        </Space>
      }
    />
  );

  if (!segmentId && !rule.ok)
    return (
      <>
        {header}
        <Alert type="error" showIcon title={t('analysis.badRule')} description={rule.problem} />
      </>
    );
  if (!data)
    return (
      <NotReady
        header={header}
        error={error}
        failedTitle={t('analysis.loadFailed')}
        onRetry={reload}
        rows={10}
      />
    );
  return (
    <div data-testid="analysis" aria-busy={loading}>
      {header}
      <AnalysisBody analysis={data.analysis} />
    </div>
  );
}
