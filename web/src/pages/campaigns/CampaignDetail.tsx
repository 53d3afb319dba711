import { App, Button, Card, Descriptions, Popconfirm, Space } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { segmentsApi } from '../../api/segments.ts';
import { useMe } from '../../auth/session.tsx';
import { NotReady } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { navigate } from '../../router.ts';
import { campaignsApi, contentApi, policyApi, type CampaignDraft } from './api.ts';
import { channelNamer } from './channelName.ts';
import { ReviewActions } from './ContentVersions.tsx';
import { purposeKey } from './labels.ts';
import { OgsmReview } from '../ogsm/OgsmReview.tsx';
import { OutboxCard } from './OutboxCard.tsx';
import { ResultsCard } from './ResultsCard.tsx';
import { RunsCard } from './RunsCard.tsx';
import { StatusTag } from './StatusTag.tsx';

const POLL_MS = 2_000;
const LIVE = new Set(['approved', 'running']);

/** A campaign: its latest version, review, pause/resume/cancel, runs with live progress (polled), the outbox. */
export function CampaignDetail({ id }: { id: number }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const detail = useLoad((signal) => campaignsApi.get(id, signal), [id, tick]);
  const runs = useLoad((signal) => campaignsApi.runs(id, signal), [id, tick]);
  const channels = useLoad((signal) => policyApi.channels(signal), []);
  const content = useLoad((signal) => contentApi.list(signal), []);
  const segments = useLoad((signal) => segmentsApi.list(signal), []);
  const status = detail.data?.campaign.status;
  const sending = (runs.data ?? []).some((r) => r.status === 'preparing' || r.status === 'sending');

  // Progress is live: while the campaign may still send, it is read again every few seconds.
  useEffect(() => {
    if (!(sending || (status && LIVE.has(status)))) return;
    const timer = setInterval(() => setTick((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [sending, status]);

  if (!detail.data)
    return (
      <NotReady
        header={<PageHeader title={t('campaign.title')} />}
        error={detail.error}
        failedTitle={t('cmp.loadFailed')}
        onRetry={detail.reload}
        rows={6}
      />
    );
  const { campaign, versions } = detail.data;
  const latest = versions[0]!;
  const draft: CampaignDraft = latest.draft;
  const name = channelNamer(channels.data, t);
  const control = async (action: 'pause' | 'resume' | 'cancel') => {
    try {
      await campaignsApi.control(id, action);
      setTick((n) => n + 1);
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const writer = me.permissions.includes('campaigns.write');
  const population = draft.population as { segmentId?: string; rule?: { in?: string[] } };
  const schedule = draft.schedule;
  return (
    <>
      <PageHeader
        title={
          <Space>
            {campaign.name}
            <StatusTag status={campaign.status} testId="campaign-status" />
          </Space>
        }
        subtitle={t(purposeKey(campaign.purpose))}
        extra={
          <Space wrap>
            {writer && (status === 'approved' || status === 'running') && (
              <Button onClick={() => control('pause')} data-testid="campaign-pause">
                {t('detail.pause')}
              </Button>
            )}
            {writer && status === 'paused' && (
              <Button onClick={() => control('resume')} data-testid="campaign-resume">
                {t('detail.resume')}
              </Button>
            )}
            {writer && status !== 'cancelled' && status !== 'completed' && (
              <>
                <Button onClick={() => navigate(`/campaigns/${id}/edit`)}>{t('detail.edit')}</Button>
                <Popconfirm title={t('detail.cancelConfirm')} onConfirm={() => control('cancel')}>
                  <Button danger data-testid="campaign-cancel">
                    {t('detail.cancel')}
                  </Button>
                </Popconfirm>
              </>
            )}
            <Button onClick={() => navigate('/campaigns')}>{t('cmp.back')}</Button>
          </Space>
        }
      />
      <Card>
        <Descriptions column={2} size="small" bordered>
          <Descriptions.Item label={t('detail.versions')}>
            <Space>
              {t('content.version', { n: latest.version })}
              <StatusTag status={latest.status} testId="campaign-version-status" />
              <ReviewActions
                status={latest.status}
                author={latest.author}
                onReview={async (action, note) => {
                  await campaignsApi.review(id, latest.version, action, note);
                  setTick((n) => n + 1);
                }}
                testPrefix="campaign"
              />
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.audience')}>
            {(population.segmentId &&
              (segments.data?.segments.find((x) => x.id === population.segmentId)?.name ?? t('cmp.none'))) ||
              (population.rule?.in ?? []).map((tier) => t(`tier.${tier}` as MessageKey)).join('、')}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.content')}>
            {content.data?.find((c) => c.id === draft.content.id)?.title ?? t('cmp.none')}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.channels')}>
            {draft.channels.map(name).join(' → ')}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.schedule')}>
            {t(`wizard.schedule.${schedule.kind}`)} {'time' in schedule ? schedule.time : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.control')}>{draft.controlPercent}%</Descriptions.Item>
        </Descriptions>
      </Card>
      <RunsCard runs={runs.data ?? []} channelName={name} />
      {(runs.data ?? []).some((r) => r.preparedAt !== null) && <ResultsCard campaignId={id} tick={tick} />}
      <OutboxCard campaignId={id} tick={tick} channelName={name} />
      <div style={{ marginTop: 16 }}>
        <OgsmReview kind="campaign" id={id} />
      </div>
    </>
  );
}
