import { InfoCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Input,
  Progress,
  Rate,
  Skeleton,
  Space,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import type { TableColumnsType } from 'antd';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';
import { ogsmApi, planOf, type PlanGoal, type PlanView, type SubjectKind } from './api.ts';
import { ComparisonText, formatValue, Missing } from './figures.tsx';
import { OgsmPlanForm } from './OgsmPlanForm.tsx';

type Measure = PlanView['measures'][number];
type Scores = Record<string, { score: number | null; note: string }>;

/** An attainment (value / target × 100) as a progress bar, green once the goal is reached. */
export function AttainmentBar({ attainment }: { attainment: number | null }) {
  if (attainment === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Progress
      percent={Math.min(100, attainment)}
      format={() => `${attainment.toFixed(1)}%`}
      status={attainment >= 100 ? 'success' : 'normal'}
      size="small"
      style={{ minWidth: 140 }}
      data-testid="ogsm-attainment"
    />
  );
}

/**
 * A subject's OGSM plan and review (a campaign's, a journey's): each goal measured now against its target, with its
 * lift against control, window, definition and freshness; the strategies scored 1–5 with a note and the lesson. Those
 * who hold campaigns.write edit the plan (PUT) and save the review (POST …/review); everyone else reads.
 */
export function OgsmReview({ kind, id }: { kind: SubjectKind; id: number }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const [editing, setEditing] = useState(false);
  const plan = useLoad((signal) => ogsmApi.get(kind, id, signal), [kind, id, tick]);
  const writer = can(me, 'campaigns.write');
  const [scores, setScores] = useState<Scores>({});
  const [lesson, setLesson] = useState('');
  const { busy, failure, submit } = useSubmit();
  const p = plan.data ? planOf(plan.data) : null;
  // The review's inputs start from what the plan holds, again after each save.
  useEffect(() => {
    if (!p) return;
    setScores(Object.fromEntries(p.strategies.map((s) => [s.id, { score: s.score, note: s.note ?? '' }])));
    setLesson(p.lesson ?? '');
  }, [p]);
  // Loaded, and the subject has no plan yet (the server answers 200 with `plan: null`).
  const missing = plan.data !== null && p === null;
  const reload = () => setTick((n) => n + 1);

  const body = (() => {
    if (editing)
      return (
        <OgsmPlanForm
          kind={kind}
          id={id}
          plan={p}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      );
    if (missing)
      return (
        <Empty description={t('ogsm.none')} data-testid="ogsm-none">
          {writer && (
            <Button type="primary" onClick={() => setEditing(true)} data-testid="ogsm-create">
              {t('ogsm.create')}
            </Button>
          )}
        </Empty>
      );
    if (plan.error && !p)
      return <LoadError error={plan.error} title={t('ogsm.loadFailed')} onRetry={plan.reload} />;
    if (!p) return <Skeleton active paragraph={{ rows: 4 }} />;
    return <PlanBody plan={p} />;
  })();

  const saveReview = () =>
    submit(async () => {
      if (!p) return;
      const saved = await ogsmApi.review(kind, id, {
        scores: p.strategies.map((s) => ({
          id: s.id,
          score: scores[s.id]?.score ?? null,
          note: scores[s.id]?.note.trim() || null,
        })),
        lesson: lesson.trim() || null,
      });
      message.success(t('ogsm.reviewSaved', { n: saved.version }));
      reload();
    });

  return (
    <Card
      size="small"
      title={t('ogsm.title')}
      data-testid="ogsm-review"
      extra={
        p &&
        writer &&
        !editing && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="ogsm-edit">
            {t('ogsm.edit')}
          </Button>
        )
      }
    >
      {body}
      {p && !editing && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('ogsm.strategies')}
          </Typography.Title>
          <Space direction="vertical" style={{ width: '100%' }}>
            {p.strategies.map((s) => (
              <Space key={s.id} wrap align="start" data-testid={`ogsm-strategy-${s.id}`}>
                <Typography.Text style={{ display: 'inline-block', minWidth: 280 }}>{s.text}</Typography.Text>
                <Rate
                  disabled={!writer}
                  value={scores[s.id]?.score ?? 0}
                  onChange={(v) =>
                    setScores((all) => ({
                      ...all,
                      [s.id]: { score: v || null, note: all[s.id]?.note ?? '' },
                    }))
                  }
                />
                <Input
                  disabled={!writer}
                  placeholder={t('ogsm.note')}
                  value={scores[s.id]?.note ?? ''}
                  onChange={(e) =>
                    setScores((all) => ({
                      ...all,
                      [s.id]: { score: all[s.id]?.score ?? null, note: e.target.value },
                    }))
                  }
                  style={{ width: 320 }}
                />
              </Space>
            ))}
          </Space>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('ogsm.lesson')}
          </Typography.Title>
          <Input.TextArea
            disabled={!writer}
            autoSize={{ minRows: 2 }}
            value={lesson}
            onChange={(e) => setLesson(e.target.value)}
            data-testid="ogsm-lesson"
          />
          {failure && <Alert type="error" showIcon message={failure} style={{ marginTop: 8 }} />}
          {writer && (
            <Button
              type="primary"
              style={{ marginTop: 8 }}
              loading={busy}
              onClick={() => void saveReview()}
              data-testid="ogsm-save-review"
            >
              {t('ogsm.saveReview')}
            </Button>
          )}
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
            {[
              t('ogsm.version', { n: p.version }),
              t('ogsm.updated', { who: actorName(p.updatedBy), at: formatDateTime(p.updatedAt) }),
              p.reviewedBy && p.reviewedAt
                ? t('ogsm.reviewed', { who: actorName(p.reviewedBy), at: formatDateTime(p.reviewedAt) })
                : null,
              p.freshness.eventsThrough
                ? t('ogsm.freshness', {
                    through: formatDateTime(p.freshness.eventsThrough),
                    at: formatDateTime(p.freshness.computedAt),
                  })
                : t('ogsm.freshness.none', { at: formatDateTime(p.freshness.computedAt) }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}

/** The objective, the goals measured against their targets, and the measures. */
function PlanBody({ plan }: { plan: PlanView }) {
  const { t, lang } = useI18n();
  const value = (row: PlanGoal | Measure) =>
    row.value === null ? (
      <Missing word={t('ogsm.notMeasured')} reason={row.valueReason} />
    ) : (
      <span data-testid="ogsm-value">{formatValue(row.value, row.unit, lang)}</span>
    );
  const window = (row: PlanGoal | Measure) =>
    row.window ? (
      <span>
        {t('ogsm.windowRange', { from: row.window.from.slice(0, 10), until: row.window.until.slice(0, 10) })}
        {row.window.open && <Typography.Text type="secondary"> ({t('ogsm.windowOpen')})</Typography.Text>}
      </span>
    ) : (
      t('ogsm.windowDays') + `: ${row.windowDays}`
    );
  const metricName = (row: PlanGoal | Measure) => (
    <Space size={4}>
      {t(`ogsm.metric.${row.metric}`)}
      <Tooltip title={pick(row.definition, lang)}>
        <InfoCircleOutlined style={{ color: '#999' }} aria-label={t('ogsm.definition')} />
      </Tooltip>
    </Space>
  );
  // Goals and measures show the same measured figures: value, attainment (goals only), lift, window.
  const valueColumn = {
    title: t('ogsm.value'),
    align: 'right' as const,
    render: (_: unknown, g: Measure) => value(g),
  };
  const measured: TableColumnsType<Measure> = [
    {
      title: t('ogsm.lift'),
      render: (_, g) => <ComparisonText lift={g.lift} reason={g.liftReason} metric={g.metric} />,
    },
    { title: t('ogsm.window'), render: (_, g) => window(g) },
  ];
  return (
    <>
      <Typography.Paragraph data-testid="ogsm-objective-text">
        <b>{t('ogsm.objective')}：</b>
        {plan.objective}
      </Typography.Paragraph>
      <Table<PlanGoal>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={plan.goals}
        onRow={(row) => ({ 'data-testid': `ogsm-goal-${row.id}` }) as object}
        columns={[
          {
            title: t('ogsm.goal'),
            render: (_, g) => (
              <Space direction="vertical" size={0}>
                {metricName(g)}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {[
                    g.text,
                    t(`ogsm.population.${g.population}`),
                    g.category && t(`holding.${g.category as 'fund'}`),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('ogsm.target'), align: 'right', render: (_, g) => formatValue(g.target, g.unit, lang) },
          valueColumn,
          { title: t('ogsm.attainment'), render: (_, g) => <AttainmentBar attainment={g.attainment} /> },
          ...(measured as TableColumnsType<PlanGoal>),
        ]}
      />
      {plan.measures.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('ogsm.measures')}
          </Typography.Title>
          <Table<Measure>
            size="small"
            rowKey="metric"
            pagination={false}
            dataSource={plan.measures}
            columns={[{ title: t('ogsm.metric'), render: (_, m) => metricName(m) }, valueColumn, ...measured]}
          />
        </>
      )}
    </>
  );
}
