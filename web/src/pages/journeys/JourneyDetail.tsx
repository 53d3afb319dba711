import { Alert, App, Button, Card, Popconfirm, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { journeysApi, type JourneyBody } from './api.ts';
import { OgsmReview } from '../ogsm/OgsmReview.tsx';
import { JourneyCanvas, type CanvasCounts } from './JourneyCanvas.tsx';
import { JourneyResultsCard } from './JourneyResultsCard.tsx';
import { PublishDialog } from './PublishDialog.tsx';
import { TestClockBar } from '../../components/TestClockBar.tsx';

const STATUS_COLORS: Record<string, string> = {
  draft: 'default',
  live: 'green',
  paused: 'orange',
  stopped: 'red',
};

/** A journey's status tag. */
export function JourneyStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid="journey-status">
      {t(`jny.status.${status as 'draft'}`)}
    </Tag>
  );
}

/** /journeys/{id}: the journey drawn with live counts per node, its controls, results and versions. */
export function JourneyDetail({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const journey = useLoad((signal) => journeysApi.get(id, signal), [id, tick]);
  const counts = useLoad((signal) => journeysApi.counts(id, signal), [id, tick]);
  const [publishing, setPublishing] = useState(false);
  const { busy, failure, submit } = useSubmit();
  // While customers are inside, the counts move as the worker takes their steps: look again every 3 s.
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 3000);
    return () => clearInterval(timer);
  }, []);
  const canvasCounts = useMemo<CanvasCounts>(
    () =>
      new Map(
        (counts.data?.nodes ?? []).map((n) => [
          n.node,
          { entered: n.entered, waiting: n.waiting, converted: n.converted, exits: n.exits },
        ]),
      ),
    [counts.data],
  );
  if (journey.error && !journey.data)
    return <LoadError error={journey.error} title={t('jny.loadFailed')} onRetry={journey.reload} />;
  if (!journey.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  const j = journey.data;
  const writer = can(me, 'campaigns.write');
  const act = (action: 'pause' | 'resume' | 'stop') =>
    submit(async () => {
      await journeysApi[action](id);
      message.success(t(`jny.did.${action}`));
      setTick((n) => n + 1);
    });
  const hasDraft = j.latest.publishedAt === null && j.status !== 'stopped';
  const totals = counts.data?.totals;
  return (
    <div data-testid="journey-detail">
      <PageHeader
        title={
          <Space>
            {j.name}
            <JourneyStatus status={j.status} />
          </Space>
        }
        back={
          <Button type="link" onClick={() => navigate('/journeys')}>
            {t('jny.back')}
          </Button>
        }
        extra={
          writer && (
            <Space wrap>
              {j.status !== 'stopped' && (
                <Button onClick={() => navigate(`/journeys/${id}/edit`)} data-testid="journey-edit">
                  {t('jny.editButton')}
                </Button>
              )}
              {hasDraft && (
                <Button
                  type="primary"
                  onClick={() => setPublishing(true)}
                  data-testid="journey-publish-draft"
                >
                  {t('jny.publishVersion', { version: j.latest.version })}
                </Button>
              )}
              {j.status === 'live' && (
                <Button loading={busy} onClick={() => void act('pause')} data-testid="journey-pause">
                  {t('jny.pause')}
                </Button>
              )}
              {j.status === 'paused' && (
                <Button loading={busy} onClick={() => void act('resume')} data-testid="journey-resume">
                  {t('jny.resume')}
                </Button>
              )}
              {(j.status === 'live' || j.status === 'paused') && (
                <Popconfirm title={t('jny.stopConfirm')} onConfirm={() => void act('stop')}>
                  <Button danger loading={busy} data-testid="journey-stop">
                    {t('jny.stop')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          )
        }
      />
      {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 12 }} />}
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <TestClockBar onMoved={() => setTick((n) => n + 1)} />
        {totals && (
          <Space size={24} wrap data-testid="journey-totals">
            {(['entered', 'inside', 'converted', 'control'] as const).map((k) => (
              <Typography.Text key={k}>
                {t(`jny.total.${k}`)}{' '}
                <b data-testid={`journey-total-${k}`}>{formatInteger(totals[k] ?? 0, lang)}</b>
              </Typography.Text>
            ))}
          </Space>
        )}
        <JourneyCanvas
          body={j.latest.body as unknown as JourneyBody}
          editable={false}
          counts={canvasCounts}
          height={460}
        />
        <JourneyResultsCard id={id} tick={tick} />
        <OgsmReview kind="journey" id={id} />
        <Card size="small" title={t('jny.versions')}>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={j.versions}
            columns={[
              {
                title: t('jny.version'),
                dataIndex: 'version',
                render: (v: number, r) => (r.id === j.currentVersionId ? <b>v{v} ✓</b> : `v${v}`),
              },
              { title: t('jny.author'), dataIndex: 'author' },
              {
                title: t('jny.publishedAt'),
                dataIndex: 'publishedAt',
                render: (v: string | null) => (v ? new Date(v).toLocaleString(lang) : '—'),
              },
              { title: t('jny.inside'), dataIndex: 'inside', render: (n: number) => formatInteger(n, lang) },
            ]}
          />
        </Card>
      </Space>
      {publishing && (
        <PublishDialog
          journey={j}
          onClose={() => setPublishing(false)}
          onPublished={() => {
            setPublishing(false);
            setTick((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
