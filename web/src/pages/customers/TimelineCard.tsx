import { Alert, Button, Card, Empty, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText, isAbort } from '../../api/client.ts';
import { poolApi, type TimelineItem } from '../../api/pool.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n, type Translate } from '../../i18n/i18n.tsx';
import { label } from '../pool/labels.ts';
import { useDictionary } from '../../dictionary/useDictionary.tsx';

const COLORS: Readonly<Record<string, string>> = {
  interaction: 'blue',
  event: 'gray',
  holding: 'green',
  ownership: 'purple',
  consent: 'orange',
  task: 'cyan',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The title of an entry in the UI language (the server's English title when the kind is unknown). */
function titleOf(item: TimelineItem, t: Translate, eventName: (key: string) => string): string {
  const d = item.details;
  switch (item.source) {
    case 'interaction':
      return `${label(t, 'interaction.ch', item.kind)} · ${label(t, 'interaction.dir', str(d['direction']) ?? 'out')}`;
    case 'event': {
      // The bank's messages and the answers to them name the touchpoint they went through.
      const channel = str((d['properties'] as Record<string, unknown> | undefined)?.['channel']);
      return item.kind.startsWith('message_') && channel
        ? `${eventName(item.kind)} · ${label(t, 'c360.consentChannel', channel)}`
        : eventName(item.kind);
    }
    case 'holding':
      return `${label(t, 'timeline.kind', item.kind)}: ${str(d['productName']) ?? ''}`;
    case 'ownership':
      return `${label(t, 'c360.kind', item.kind)}: ${str(d['from']) ?? '—'} → ${str(d['to']) ?? '—'}`;
    case 'consent':
      return [
        label(t, 'c360.consentChannel', str(d['channel'])),
        ...(str(d['purpose']) ? [label(t, 'c360.consentPurpose', str(d['purpose']))] : []),
        label(t, 'c360.consent', str(d['status'])),
      ].join(' · ');
    case 'task':
      return `${label(t, 'timeline.kind', item.kind)}: ${item.title}`;
    case 'wecom':
      return `${label(t, 'timeline.kind', item.kind)} · ${str(d['staffId']) ?? ''}`;
    default:
      return item.title;
  }
}

/** Everything that happened to the customer, newest first, merged from every source; "load more" pages back. */
export function TimelineCard({ customerNo, tick }: { customerNo: string; tick: number }) {
  const { t } = useI18n();
  const { displayName } = useDictionary();
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const load = async (before: string | null, signal?: AbortSignal) => {
    setLoading(true);
    setFailure(null);
    try {
      const page = await poolApi.timeline(customerNo, before, signal);
      setItems((prev) => (before ? [...prev, ...page.items] : [...page.items]));
      setCursor(page.nextCursor);
      setMissing(page.sources.filter((s) => !s.available).map((s) => s.source));
    } catch (e) {
      if (!isAbort(e)) setFailure(errorText(e));
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };
  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [customerNo, tick]);

  return (
    <Card size="small" title={t('c360.timeline')} data-testid="customer-timeline">
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
      {missing.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('c360.timelinePartial', { sources: missing.join(', ') })}
          style={{ marginBottom: 12 }}
        />
      )}
      {items.length === 0 && !loading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('c360.timelineEmpty')} />
      ) : (
        <Timeline
          items={items.map((item, i) => {
            const summary = str(item.details['summary']);
            const next = str(item.details['nextStep']);
            const outcome = str(item.details['outcome']);
            return {
              key: `${item.source}-${item.at}-${i}`,
              color: COLORS[item.source] ?? 'gray',
              content: (
                <div data-testid="timeline-item" data-source={item.source} data-kind={item.kind}>
                  <div>
                    <Tag>{label(t, 'timeline.source', item.source)}</Tag>
                    <strong>{titleOf(item, t, (key) => displayName('event', key))}</strong>
                    {outcome && (
                      <Tag style={{ marginInlineStart: 8 }}>{label(t, 'interaction.out', outcome)}</Tag>
                    )}
                  </div>
                  {summary && <div data-testid="timeline-summary">{summary}</div>}
                  {next && (
                    <Typography.Text type="secondary">
                      {t('interaction.nextStep')}: {next}
                    </Typography.Text>
                  )}
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(item.at)}
                    </Typography.Text>
                  </div>
                </div>
              ),
            };
          })}
        />
      )}
      {cursor && (
        <Button block loading={loading} onClick={() => load(cursor)} data-testid="timeline-more">
          {t('c360.loadMore')}
        </Button>
      )}
    </Card>
  );
}
