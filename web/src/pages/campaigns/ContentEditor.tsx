import { App, Button, Card, Col, Form, Input, Row, Select, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError, errorText } from '../../api/client.ts';
import { useMe } from '../../auth/session.tsx';
import { NotReady } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { contentApi, type ContentDraft, type ContentPreview, type ContentType } from './api.ts';
import { ContentPreviewCard } from './ContentPreviewCard.tsx';
import { ContentVersions } from './ContentVersions.tsx';
import { problemsOf, type Problem } from './issues.ts';
import { typeKey } from './labels.ts';
import { VariablePicker } from './VariablePicker.tsx';
import { VariantFields, type FieldRef } from './VariantFields.tsx';

const TYPES: ContentType[] = ['product', 'event', 'media', 'category', 'brand'];
const MEDIA = ['article', 'video', 'poster'] as const;
const EMPTY: ContentDraft = { type: 'product', title: '', variants: { sms: { text: '' } } };

/** Writes a content item (new, or a new version of `id`): live located problems and a masked preview as one types. */
export function ContentEditor({ id }: { id?: number }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const loaded = useLoad(
    (signal) => (id === undefined ? Promise.resolve(null) : contentApi.get(id, signal)),
    [id],
  );
  const products = useLoad((signal) => contentApi.products(signal), []);
  const [draft, setDraft] = useState<ContentDraft | null>(id === undefined ? EMPTY : null);
  const [preview, setPreview] = useState<ContentPreview | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [customerNo, setCustomerNo] = useState('');
  const [busy, setBusy] = useState(false);
  const focused = useRef<FieldRef>({ kind: 'sms', field: 'text' });

  // An existing item opens on its latest version.
  useEffect(() => {
    if (loaded.data && draft === null) setDraft(loaded.data.versions[0]?.draft ?? EMPTY);
  }, [loaded.data, draft]);

  // The preview follows the draft (and the chosen customer), a moment after typing stops.
  useEffect(() => {
    if (!draft) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      contentApi
        .preview(draft, customerNo || undefined, controller.signal)
        .then((p) => {
          setPreview(p);
          setProblems([]);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setPreview(null);
          setProblems(e instanceof ApiError && e.status === 404 ? [] : problemsOf(e, t));
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [draft, customerNo, t]);

  if (!draft)
    return (
      <NotReady
        header={<PageHeader title={t('content.title')} />}
        error={loaded.error}
        failedTitle={t('cmp.loadFailed')}
        onRetry={loaded.reload}
        rows={8}
      />
    );

  const set = (patch: Partial<ContentDraft>) => setDraft({ ...draft, ...patch });
  const insert = (text: string) => {
    const { kind, field } = focused.current;
    const variant = (draft.variants[kind] ?? {}) as Record<string, string>;
    set({ variants: { ...draft.variants, [kind]: { ...variant, [field]: (variant[field] ?? '') + text } } });
  };
  const save = async () => {
    setBusy(true);
    try {
      const body: ContentDraft = {
        ...draft,
        ...(draft.type === 'media' ? {} : { mediaKind: undefined }),
        ...(draft.type === 'product' ? {} : { productId: undefined }),
      };
      const saved = id === undefined ? await contentApi.create(body) : await contentApi.save(id, body);
      message.success(t('cmp.saved'));
      if (id === undefined) navigate(`/campaigns/content/${saved.contentId}`, true);
      else loaded.reload();
    } catch (e) {
      setProblems(problemsOf(e, t));
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const review = async (version: number, action: 'submit' | 'approve' | 'reject', note?: string) => {
    await contentApi.review(id!, version, action, note);
    loaded.reload();
  };

  return (
    <>
      <PageHeader
        title={id === undefined ? t('content.editor.new') : t('content.editor.edit', { title: draft.title })}
        subtitle={t('content.editor.subtitle')}
        extra={<Button onClick={() => navigate('/campaigns/content')}>{t('cmp.back')}</Button>}
      />
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card>
            <Form layout="vertical">
              <Space wrap>
                <Form.Item label={t('content.form.type')}>
                  <Select
                    value={draft.type}
                    disabled={id !== undefined}
                    onChange={(type: ContentType) => set({ type })}
                    options={TYPES.map((v) => ({ value: v, label: t(typeKey(v)) }))}
                    style={{ width: 180 }}
                    data-testid="content-type"
                  />
                </Form.Item>
                {draft.type === 'media' && (
                  <Form.Item label={t('content.form.mediaKind')}>
                    <Select
                      value={draft.mediaKind}
                      onChange={(mediaKind: (typeof MEDIA)[number]) => set({ mediaKind })}
                      options={MEDIA.map((v) => ({ value: v, label: t(`cmp.media.${v}`) }))}
                      style={{ width: 140 }}
                    />
                  </Form.Item>
                )}
                {draft.type === 'product' && (
                  <Form.Item label={t('content.form.product')}>
                    <Select
                      value={draft.productId}
                      onChange={(productId: string) => set({ productId })}
                      options={(products.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                      style={{ width: 240 }}
                      data-testid="content-product"
                    />
                  </Form.Item>
                )}
              </Space>
              <Form.Item label={t('content.form.title')}>
                <Input
                  value={draft.title}
                  onChange={(e) => set({ title: e.target.value })}
                  data-testid="content-title"
                />
              </Form.Item>
              <Form.Item label={t('content.form.insert')} extra={t('content.form.insertHint')}>
                <VariablePicker onPick={insert} />
              </Form.Item>
              <VariantFields
                variants={draft.variants}
                onChange={(variants) => set({ variants })}
                onFocus={(ref) => (focused.current = ref)}
              />
              {me.permissions.includes('content.write') && (
                <Button type="primary" loading={busy} onClick={save} data-testid="content-save">
                  {id === undefined ? t('content.form.create') : t('content.form.save')}
                </Button>
              )}
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <ContentPreviewCard
            preview={preview}
            problems={problems}
            customerNo={customerNo}
            onCustomerNo={setCustomerNo}
          />
        </Col>
      </Row>
      {loaded.data && <ContentVersions versions={loaded.data.versions} onReview={review} />}
    </>
  );
}
