import { App, Alert, Button, Card, Descriptions, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { tagsApi } from '../../api/tags.ts';
import { wecomTagsApi, type WecomPublishedTag } from '../../api/wecom.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * Tags both ways (head office): the bank's tags published to WeCom as corp-tag groups, with the friendships carrying
 * each value; publishing more; and the last tag sync (marks made, refusals by WeCom's errcode, tags brought back).
 */
export function WecomTags() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const state = useLoad((signal) => wecomTagsApi.state(signal), []);
  const catalogue = useLoad((signal) => tagsApi.list(signal), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState<'publish' | 'sync' | null>(null);
  const nameOf = useMemo(() => {
    const names = new Map(
      (catalogue.data?.tags ?? []).map((tag) => [tag.key, tag.name[lang === 'zh-CN' ? 'zh' : 'en']]),
    );
    return (key: string) => names.get(key) ?? key;
  }, [catalogue.data, lang]);
  const published = new Set((state.data?.published ?? []).map((p) => p.tagKey));
  const choices = (catalogue.data?.tags ?? [])
    .filter((tag) => !published.has(tag.key) && tag.values.length > 0)
    .map((tag) => ({ value: tag.key, label: nameOf(tag.key) }));
  const connected = state.data?.connected ?? false;
  const sync = state.data?.lastSync ?? null;

  // A pass runs in the background: its counts are read again every few seconds until it finishes.
  const runningPass = sync !== null && sync.finishedAt === null;
  const { reload } = state;
  useEffect(() => {
    if (!runningPass) return;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [runningPass, reload, state.data]);

  const act = async (what: 'publish' | 'sync') => {
    setBusy(what);
    try {
      if (what === 'publish') {
        const answer = await wecomTagsApi.publish(chosen);
        void message.success(t('wecom.tags.published', { n: answer.tags.length }));
        setChosen([]);
      } else {
        await wecomTagsApi.sync();
        void message.success(t('wecom.tags.syncStarted'));
      }
      state.reload();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="wecom-tags">
      {state.error !== null && (
        <LoadError error={state.error} title={t('wecom.loadFailed')} onRetry={state.reload} />
      )}
      {state.data && !connected && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('wecom.messages.notConnected')} />
      )}
      <Card size="small" title={t('wecom.tags.publishTitle')} style={{ marginBottom: 16 }}>
        <Space wrap>
          <Select
            mode="multiple"
            style={{ minWidth: 320 }}
            placeholder={t('wecom.tags.choose')}
            value={chosen}
            onChange={setChosen}
            options={choices}
            optionFilterProp="label"
            data-testid="wecom-tags-choose"
          />
          <Button
            type="primary"
            disabled={!connected || chosen.length === 0}
            loading={busy === 'publish'}
            onClick={() => void act('publish')}
            data-testid="wecom-tags-publish"
          >
            {t('wecom.tags.publish')}
          </Button>
        </Space>
      </Card>
      <Card size="small" styles={{ body: { padding: 0 } }} style={{ marginBottom: 16 }}>
        <Table<WecomPublishedTag>
          rowKey="tagKey"
          size="small"
          loading={state.loading}
          pagination={false}
          dataSource={state.data?.published ?? []}
          locale={{ emptyText: <Empty description={t('wecom.tags.none')} /> }}
          onRow={(p) => ({ 'data-testid': `wecom-tag-${p.tagKey}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('wecom.tags.tag'), key: 'tag', render: (_: unknown, p) => nameOf(p.tagKey) },
            { title: t('wecom.tags.group'), dataIndex: 'groupName' },
            {
              title: t('wecom.tags.values'),
              key: 'values',
              render: (_: unknown, p) => (
                <Space size={4} wrap>
                  {p.values.map((v) => (
                    <Tag key={v.value}>
                      {v.tagName}: {formatInteger(v.friendships, lang)}
                    </Tag>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('wecom.tags.lastSync')}
        extra={
          <Button
            disabled={!connected || published.size === 0}
            loading={busy === 'sync' || runningPass}
            onClick={() => void act('sync')}
            data-testid="wecom-tags-sync"
          >
            {t('wecom.tags.syncNow')}
          </Button>
        }
        data-testid="wecom-tags-last-sync"
      >
        {sync === null ? (
          <Typography.Text type="secondary">{t('wecom.tags.neverSynced')}</Typography.Text>
        ) : (
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('wecom.tags.startedAt')}>
              {formatDateTime(sync.startedAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('wecom.tags.finishedAt')}>
              {sync.finishedAt ? formatDateTime(sync.finishedAt) : t('wecom.tags.running')}
            </Descriptions.Item>
            <Descriptions.Item label={t('wecom.tags.compared')}>
              {formatInteger(sync.compared, lang)}
            </Descriptions.Item>
            <Descriptions.Item label={t('wecom.tags.marked')}>
              <span data-testid="wecom-tags-marked" data-value={sync.marked}>
                {formatInteger(sync.marked, lang)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('wecom.tags.failed')}>
              {formatInteger(sync.failed, lang)}
              {Object.entries(sync.errcodes).map(([code, n]) => (
                <Tag key={code} color="error" style={{ marginLeft: 6 }}>
                  {code}: {formatInteger(n, lang)}
                </Tag>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('wecom.tags.imported')}>
              {t('wecom.tags.importedValue', {
                tags: formatInteger(sync.importedTags, lang),
                values: formatInteger(sync.importedValues, lang),
              })}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
    </div>
  );
}
