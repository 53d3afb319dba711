import { App, Card, Col, Row, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorText, type Issue } from '../../../api/client.ts';
import { canonicalJson, asRule, toApiRule, type Rule } from '../../../api/rule.ts';
import { segmentsApi, type Segment, type SegmentCatalogue } from '../../../api/segments.ts';
import { canExportSegments, canManageSegments, useMe } from '../../../auth/session.tsx';
import { NotReady } from '../../../components/LoadError.tsx';
import { BackLink, PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate, useSearchParams } from '../../../router.ts';
import { BuilderCtx } from './context.ts';
import { LiveCount } from './LiveCount.tsx';
import { RuleJson } from './RuleJson.tsx';
import { RuleNode } from './RuleNode.tsx';
import { SaveCard } from './SaveCard.tsx';
import { EMPTY_RULE as EMPTY, useRuleEditor } from './useRuleEditor.ts';

function parseRuleParam(text: string | null): Rule | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return asRule(parsed);
  } catch {
    return null;
  }
}

/** The builder for a new segment (no id) or a saved one: nested conditions, live count, JSON, save. */
export function BuilderPage({ segmentId }: { segmentId?: string }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  // The analysis page sends a rule back as `/segments/new?rule=`.
  const ruleParam = useSearchParams().get('rule');
  const loaded = useLoad(
    async (signal): Promise<{ catalogue: SegmentCatalogue; segment: Segment | null }> => {
      const [catalogue, segment] = await Promise.all([
        segmentsApi.catalogue(signal),
        segmentId ? segmentsApi.get(segmentId, signal) : Promise.resolve(null),
      ]);
      return { catalogue, segment };
    },
    [segmentId],
  );
  // (The rule parameter is read once per load; later edits live in the builder's state.)
  const [catalogue, setCatalogue] = useState<SegmentCatalogue | null>(null);
  const [saved, setSaved] = useState<Segment | null>(null);
  const [rule, setRule] = useState<Rule>(EMPTY);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saveIssues, setSaveIssues] = useState<readonly Issue[]>([]);

  useEffect(() => {
    if (!loaded.data) return;
    setCatalogue(loaded.data.catalogue);
    const segment = loaded.data.segment;
    setSaved(segment);
    setRule(
      (segment ? asRule(segment.rule) : null) ?? (segmentId ? null : parseRuleParam(ruleParam)) ?? EMPTY,
    );
    setName(segment?.name ?? '');
    setDescription(segment?.description ?? '');
  }, [loaded.data]);

  const changeRule = useCallback((next: Rule) => {
    setRule(next);
    setSaveIssues([]);
  }, []);
  const update = useCallback((fn: (current: Rule) => Rule) => {
    setRule(fn);
    setSaveIssues([]);
  }, []);
  const reloadCatalogue = useCallback(async () => {
    const next = await segmentsApi.catalogue();
    setCatalogue(next);
    return next;
  }, []);
  const { ctx, edit, live, ruleJson, empty, incomplete } = useRuleEditor({
    rule,
    update,
    catalogue,
    reloadCatalogue,
    selfId: saved?.id ?? null,
    moreIssues: saveIssues,
  });

  const back = <BackLink to="/segments">{t('segments.backToList')}</BackLink>;
  if (!ctx || !catalogue)
    return (
      <NotReady
        header={<PageHeader title={t('builder.title')} back={back} />}
        error={loaded.data ? null : loaded.error}
        failedTitle={t('builder.loadFailed')}
        onRetry={loaded.reload}
        rows={10}
      />
    );

  const dirty =
    saved !== null &&
    (canonicalJson(saved.rule) !== canonicalJson(rule) ||
      saved.name !== name ||
      (saved.description ?? '') !== description);
  const save = async (asNew: boolean) => {
    setSaving(true);
    setSaveError(null);
    setSaveIssues([]);
    try {
      const input = {
        name: name.trim(),
        rule: toApiRule(rule),
        ...(description.trim() ? { description: description.trim() } : {}),
      };
      if (saved && !asNew) {
        const updated = await segmentsApi.update(saved.id, input);
        setSaved(updated);
        message.success(t('builder.savedVersion', { version: updated.version }));
      } else {
        const created = await segmentsApi.create(input);
        message.success(t('builder.created'));
        navigate(`/segments/${encodeURIComponent(created.id)}`);
      }
    } catch (e) {
      setSaveError(errorText(e));
      if (e instanceof ApiError) setSaveIssues(e.issues.filter((i) => i.path.startsWith('$')));
    } finally {
      setSaving(false);
    }
  };
  const analyse = () =>
    navigate(
      saved && !dirty
        ? `/segments/${encodeURIComponent(saved.id)}/analysis`
        : `/segments/analysis?rule=${encodeURIComponent(ruleJson)}`,
    );

  return (
    <BuilderCtx.Provider value={ctx}>
      <div data-testid="segment-builder" data-segment={saved?.id ?? ''}>
        <PageHeader
          back={back}
          title={saved ? saved.name : t('builder.title')}
          subtitle={saved ? <Tag>{`${saved.id} · v${saved.version}`}</Tag> : t('builder.subtitle')}
        />
        <Row gutter={[16, 16]} align="top">
          <Col xs={24} xl={16}>
            <Card styles={{ body: { paddingTop: 4 } }}>
              <Tabs
                items={[
                  {
                    key: 'builder',
                    label: <span data-testid="tab-builder">{t('builder.tabBuilder')}</span>,
                    children: <RuleNode rule={rule} steps={[]} edit={edit} />,
                  },
                  {
                    key: 'json',
                    label: <span data-testid="tab-json">{t('builder.tabJson')}</span>,
                    children: <RuleJson rule={rule} onChange={changeRule} />,
                  },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <div style={{ position: 'sticky', top: 72, display: 'flex', flexDirection: 'column', gap: 16 }}>
              <LiveCount {...live} />
              <SaveCard
                saved={saved}
                name={name}
                description={description}
                onName={setName}
                onDescription={setDescription}
                dirty={dirty}
                canSave={name.trim() !== '' && !empty && incomplete.size === 0}
                saving={saving}
                saveError={saveError}
                onSave={(asNew) => void save(asNew)}
                onAnalyse={analyse}
                definer={canManageSegments(me)}
                exporter={canExportSegments(me)}
              />
            </div>
          </Col>
        </Row>
      </div>
    </BuilderCtx.Provider>
  );
}
