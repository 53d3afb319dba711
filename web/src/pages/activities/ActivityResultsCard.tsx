import { Card, Descriptions, Empty, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { segmentsApi } from '../../api/segments.ts';
import { every } from '../../api/types.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { keyedPicker } from '../../dictionary/keyedPicker.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { LiftCell, RateCell } from '../journeys/resultCells.tsx';
import { activitiesApi, type ActivityResults } from './api.ts';

type Groups = ActivityResults['groups'];
type Counts = ActivityResults['counts'];
// Checked against the document by `every`: a group or count the server adds is a type error here until it is shown.
const GROUPS = every<keyof Groups>()(['attendees', 'nonAttendees', 'control', 'leads']);
const COMPARISONS = ['invitedVsControl', 'attendeesVsControl', 'attendeesVsNonAttendees'] as const;
const COUNTS = every<keyof Counts>()([
  'invited',
  'control',
  'delivered',
  'queued',
  'rsvpYes',
  'rsvpNo',
  'waitlist',
  'registered',
  'checkedIn',
  'walkIns',
  'leads',
  'newCustomers',
  'tasks',
]);

/** The activity's results: counts, conversion of each group with 95% intervals, the comparisons with control. */
export function ActivityResultsCard({ id, tick }: { id: number; tick: number }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const [event, setEvent] = useState<string | undefined>(undefined);
  const results = useLoad((signal) => activitiesApi.results(id, event, signal), [id, event, tick]);
  const events = useLoad(
    (signal) => segmentsApi.catalogue(signal).then((c) => c.events.map((e) => e.name)),
    [],
  );
  const r = results.data;
  const n = (v: number) => formatInteger(v, lang);
  return (
    <Card
      size="small"
      title={t('act.res.title')}
      data-testid="activity-results"
      extra={
        <Space>
          <Typography.Text type="secondary">{t('act.res.event')}</Typography.Text>
          <Select
            style={{ width: 220 }}
            size="small"
            value={event ?? r?.event}
            onChange={setEvent}
            data-testid="activity-results-event"
            {...keyedPicker(
              (events.data ?? []).map((key) => ({ key, label: dictionary.displayName('event', key) })),
            )}
          />
        </Space>
      }
    >
      {results.error ? (
        <LoadError error={results.error} title={t('act.loadFailed')} onRetry={results.reload} />
      ) : !r ? (
        <Empty />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('act.res.window', { from: formatDateTime(r.window.from), to: formatDateTime(r.window.to) })}
          </Typography.Text>
          <Descriptions size="small" column={{ xs: 2, md: 4, xl: 7 }} title={t('act.res.counts')}>
            {COUNTS.map((k) => (
              <Descriptions.Item key={k} label={t(`act.count.${k}`)}>
                <b data-testid={`activity-count-${k}`}>{n(r.counts[k])}</b>
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Table
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={GROUPS.map((key) => ({ key, ...r.groups[key] }))}
            onRow={(row) => ({ 'data-testid': `activity-result-${row.key}` }) as object}
            columns={[
              { title: t('act.res.group'), render: (_, row) => t(`act.res.${row.key}`) },
              { title: t('act.res.customers'), align: 'right', render: (_, row) => n(row.customers) },
              { title: t('act.res.converted'), align: 'right', render: (_, row) => n(row.converted) },
              { title: t('act.res.rate'), render: (_, row) => <RateCell rate={row} /> },
            ]}
          />
          <Table
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={COMPARISONS.map((key) => ({ key, lift: r[key] }))}
            columns={[
              { title: t('act.res.comparison'), render: (_, row) => t(`act.res.${row.key}`) },
              {
                title: t('act.res.difference'),
                render: (_, row) => <LiftCell lift={row.lift} reason={null} />,
              },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
