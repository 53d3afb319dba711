import { App, Alert, Button, Card, Space, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { NotReady } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, useSearchParams } from '../../router.ts';
import { campaignsApi, contentApi, policyApi, type CampaignDraft, type Waterfall } from './api.ts';
import { channelNamer } from './channelName.ts';
import { problemsOf } from './issues.ts';
import { WaterfallView } from './WaterfallView.tsx';
import { AudienceStep } from './AudienceStep.tsx';
import { ChannelsStep, ContentStep, LimitsStep, ScheduleStep } from './WizardSteps.tsx';

const STEPS = ['audience', 'content', 'channels', 'schedule', 'limits', 'preview'] as const;
const EMPTY: CampaignDraft = {
  name: '',
  purpose: 'marketing',
  population: { segmentId: '' },
  content: { id: 0, version: 0 },
  channels: [],
  schedule: { kind: 'now' },
  controlPercent: 10,
};

/**
 * The campaign wizard: audience → content → channels → schedule → control and purpose → preview (the draft is saved,
 * then its waterfall shown) → submit for approval. With `id`, it writes a new version of that campaign.
 */
export function CampaignWizard({ id }: { id?: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const existing = useLoad(
    (signal) => (id === undefined ? Promise.resolve(null) : campaignsApi.get(id, signal)),
    [id],
  );
  const content = useLoad((signal) => contentApi.list(signal), []);
  const channels = useLoad((signal) => policyApi.channels(signal), []);
  // `?list=<id>`: opened from the customers list's "send a campaign", the list is the audience.
  const fromList = useSearchParams().get('list');
  const [draft, setDraft] = useState<CampaignDraft | null>(
    id !== undefined ? null : fromList ? { ...EMPTY, population: { rule: { list: fromList } } } : EMPTY,
  );
  const [step, setStep] = useState(0);
  const [saved, setSaved] = useState<{ id: number; version: number; body: string } | null>(null);
  const [waterfall, setWaterfall] = useState<Waterfall | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (existing.data && draft === null) setDraft(existing.data.versions[0]?.draft ?? EMPTY);
  }, [existing.data, draft]);

  if (!draft)
    return (
      <NotReady
        header={<PageHeader title={t('wizard.title')} />}
        error={existing.error}
        failedTitle={t('cmp.loadFailed')}
        onRetry={existing.reload}
        rows={6}
      />
    );
  const set = (patch: Partial<CampaignDraft>) => {
    setDraft({ ...draft, ...patch });
    setWaterfall(null);
  };
  const name = channelNamer(channels.data, t);

  /** Saves the draft (once per change: a new campaign, then new versions) and previews it as that campaign. */
  const saveAndPreview = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const body = JSON.stringify(draft);
      let current = saved;
      if (!current || current.body !== body) {
        const campaignId = current?.id ?? id;
        const answer =
          campaignId === undefined
            ? await campaignsApi.create(draft)
            : await campaignsApi.save(campaignId, draft);
        current = { id: answer.id, version: answer.latestVersion, body };
        setSaved(current);
      }
      setWaterfall(await campaignsApi.preview(draft, current.id));
    } catch (e) {
      setFailure(
        problemsOf(e, t)
          .map((p) => [p.where, p.message].filter(Boolean).join(': '))
          .join('; '),
      );
    } finally {
      setBusy(false);
    }
  };
  const submit = async () => {
    if (!saved) return;
    setBusy(true);
    try {
      await campaignsApi.review(saved.id, saved.version, 'submit');
      message.success(t('wizard.submitted'));
      navigate(`/campaigns/${saved.id}`);
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const props = { draft, set };
  const body = [
    <AudienceStep key="a" {...props} />,
    <ContentStep key="c" {...props} items={content.data ?? []} />,
    <ChannelsStep key="ch" {...props} channels={channels.data ?? []} name={name} />,
    <ScheduleStep key="s" {...props} />,
    <LimitsStep key="l" {...props} />,
    <Space key="p" direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('wizard.preview.hint')}</Typography.Text>
      <Button onClick={saveAndPreview} loading={busy} data-testid="campaign-preview">
        {t('wizard.preview.save')}
      </Button>
      {waterfall && <WaterfallView waterfall={waterfall} channelName={name} />}
      {waterfall && (
        <Button type="primary" onClick={submit} loading={busy} data-testid="campaign-submit">
          {t('wizard.submit')}
        </Button>
      )}
    </Space>,
  ][step];

  return (
    <>
      <PageHeader
        title={id === undefined ? t('wizard.title') : t('wizard.editTitle', { name: draft.name })}
        extra={
          <Button onClick={() => navigate(id === undefined ? '/campaigns' : `/campaigns/${id}`)}>
            {t('cmp.back')}
          </Button>
        }
      />
      <Card>
        <Steps
          current={step}
          onChange={setStep}
          items={STEPS.map((s) => ({ title: t(`wizard.step.${s}`) }))}
          style={{ marginBottom: 24 }}
          data-testid="wizard-steps"
        />
        {body}
        {failure && (
          <Alert type="error" showIcon title={failure} style={{ marginTop: 16 }} data-testid="wizard-error" />
        )}
        <Space style={{ marginTop: 24 }}>
          {step > 0 && <Button onClick={() => setStep(step - 1)}>{t('wizard.prev')}</Button>}
          {step < STEPS.length - 1 && (
            <Button type="primary" onClick={() => setStep(step + 1)} data-testid="wizard-next">
              {t('wizard.next')}
            </Button>
          )}
        </Space>
      </Card>
    </>
  );
}
