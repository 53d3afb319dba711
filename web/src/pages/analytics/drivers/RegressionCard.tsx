import { Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { translateReason } from '../../../../../src/analytics/reasons.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type AnalysisMeta, type CsvColumn } from '../AnalysisFrame.tsx';
import type { DriversAnalysis, DriversCoefficient } from './api.ts';
import { featureLabel, featureName, levelName } from './labels.ts';

const num = (x: number) => (Math.abs(x) >= 1000 ? x.toExponential(2) : x.toFixed(3));
const pText = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** The logistic regression: AUC, and each coefficient with its 95% interval, odds ratio and a forest-plot bar. */
export function RegressionCard({ analysis, meta }: { analysis: DriversAnalysis; meta: AnalysisMeta }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const r = analysis.regression;
  if (r.status !== 'fitted')
    return (
      <AnalysisFrame
        title={t('analytics.drivers.regressionTitle')}
        meta={meta}
        notEnoughData={translateReason(r.reason, lang)}
        testId="drivers-regression"
      />
    );
  const rows = r.coefficients.filter((c) => c.kind !== 'intercept');
  // one scale for every bar: the widest interval, capped so that one huge (separated) interval does not flatten the rest
  const span = Math.min(
    6,
    Math.max(0.5, ...rows.map((c) => Math.max(Math.abs(c.ciLow), Math.abs(c.ciHigh)))),
  );
  const csv: CsvColumn<DriversCoefficient>[] = [
    { title: t('analytics.drivers.term'), value: (c) => c.term },
    { title: t('analytics.drivers.estimate'), value: (c) => c.estimate },
    { title: t('analytics.drivers.stdError'), value: (c) => c.stdError },
    { title: 'CI low', value: (c) => c.ciLow },
    { title: 'CI high', value: (c) => c.ciHigh },
    { title: t('analytics.drivers.oddsRatio'), value: (c) => c.oddsRatio },
    { title: 'p', value: (c) => c.pValue },
  ];
  // terms in the user's words: the tag's name and value labels rather than ids
  const features = new Map(analysis.features.map((f) => [f.id, f]));
  const levelText = (feature: string | null, value: string | undefined) => {
    const l = features.get(feature ?? '')?.levels.find((x) => x.value === value);
    return l ? levelName(l, lang) : (value ?? '');
  };
  const label = (c: DriversCoefficient) => {
    const f = features.get(c.feature ?? '');
    const feature = f ? featureName(f, lang, dictionary) : featureLabel(c.feature ?? '', lang, dictionary);
    return c.kind === 'zscore'
      ? t('analytics.drivers.perSd', { feature, sd: num(c.sd ?? 0) })
      : c.kind === 'level' || c.kind === 'missing'
        ? t('analytics.drivers.levelTerm', {
            feature,
            level: levelText(c.feature, c.level),
            reference:
              c.kind === 'missing' ? t('analytics.drivers.known') : levelText(c.feature, c.reference),
          })
        : c.term;
  };
  return (
    <AnalysisFrame
      title={t('analytics.drivers.regressionTitle')}
      meta={meta}
      extra={
        <CsvButton
          fileName={`key-factors-regression-${analysis.asOf}.csv`}
          columns={csv}
          rows={r.coefficients}
        />
      }
      testId="drivers-regression"
    >
      <Space size={32} wrap style={{ marginBottom: 12 }}>
        <div data-testid="drivers-auc-holdout" data-value={r.auc.holdout ?? ''}>
          <Statistic
            title={t('analytics.drivers.aucHoldout')}
            value={r.auc.holdout === null ? '–' : r.auc.holdout.toFixed(3)}
          />
        </div>
        <div data-testid="drivers-auc-training" data-value={r.auc.training ?? ''}>
          <Statistic
            title={t('analytics.drivers.aucTraining')}
            value={r.auc.training === null ? '–' : r.auc.training.toFixed(3)}
          />
        </div>
        <Typography.Text type="secondary">
          {t('analytics.drivers.fitted', {
            rows: r.fittedRows,
            holdout: r.holdoutCustomers,
            percent: r.holdoutPercent,
          })}
        </Typography.Text>
      </Space>
      <Table<DriversCoefficient>
        size="small"
        rowKey="term"
        pagination={rows.length > 15 ? { pageSize: 15 } : false}
        dataSource={rows}
        columns={[
          { title: t('analytics.drivers.term'), key: 'term', render: (_: unknown, c) => label(c) },
          {
            title: t('analytics.drivers.estimate'),
            dataIndex: 'estimate',
            align: 'right',
            render: (v: number, c) => (
              <span data-testid={`coef-${c.term}`} data-value={v}>
                {num(v)}
              </span>
            ),
          },
          {
            title: t('analytics.drivers.ci'),
            key: 'ci',
            align: 'right',
            render: (_: unknown, c) => `[${num(c.ciLow)}, ${num(c.ciHigh)}]`,
          },
          {
            title: t('analytics.drivers.oddsRatio'),
            key: 'or',
            align: 'right',
            render: (_: unknown, c) => (
              <Tooltip title={`95% CI [${num(c.orLow)}, ${num(c.orHigh)}]`}>
                <span>{num(c.oddsRatio)}</span>
              </Tooltip>
            ),
          },
          { title: 'p', dataIndex: 'pValue', align: 'right', render: (v: number) => pText(v) },
          {
            title: t('analytics.drivers.forest'),
            key: 'forest',
            width: 180,
            render: (_: unknown, c) => <Forest c={c} span={span} />,
          },
        ]}
      />
    </AnalysisFrame>
  );
}

/** One forest-plot row: the 95% interval of the log-odds as a line, the estimate as a dot, 0 (no effect) as a rule. */
function Forest({ c, span }: { c: DriversCoefficient; span: number }) {
  const width = 160;
  const x = (v: number) => Math.max(2, Math.min(width - 2, width / 2 + (v / span) * (width / 2 - 4)));
  const colour = c.ciLow > 0 ? '#cf1322' : c.ciHigh < 0 ? '#389e0d' : '#8c8c8c';
  return (
    <svg width={width} height={14} role="img" aria-label={`${c.ciLow.toFixed(3)} – ${c.ciHigh.toFixed(3)}`}>
      <line x1={width / 2} x2={width / 2} y1={0} y2={14} stroke="#d9d9d9" />
      <line x1={x(c.ciLow)} x2={x(c.ciHigh)} y1={7} y2={7} stroke={colour} strokeWidth={2} />
      <circle cx={x(c.estimate)} cy={7} r={3.5} fill={colour} />
    </svg>
  );
}
