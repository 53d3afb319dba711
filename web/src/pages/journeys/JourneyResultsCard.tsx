import { Card, Empty, Table, Typography } from 'antd';
import { translateReason } from '../../../../src/analytics/reasons.ts';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { journeysApi, type JourneyResults } from './api.ts';
import { LiftCell, RateCell } from './resultCells.tsx';

type Rate = JourneyResults['treated'];
type Comparison = NonNullable<JourneyResults['lift']>;
interface Row {
  readonly key: string;
  readonly group: string;
  readonly rate: Rate;
  readonly lift: Comparison | null;
  readonly liftReason: string | null;
}

/**
 * A journey's results: conversion (the goal reached) of the customers who entered the graph against the control group
 * held out at entry, with 95% intervals; each split arm against control; each branch arm described.
 */
export function JourneyResultsCard({ id, tick }: { id: number; tick: number }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const results = useLoad((signal) => journeysApi.results(id, signal), [id, tick]);
  const r = results.data;
  const rows: Row[] = r
    ? [
        {
          key: 'treated',
          group: t('jny.res.treated'),
          rate: r.treated,
          lift: r.lift,
          liftReason: r.liftReason,
        },
        { key: 'control', group: t('jny.res.control'), rate: r.control, lift: null, liftReason: '' },
        ...r.splits.flatMap((s) =>
          s.arms.map((a) => ({
            key: `${s.node}:${a.arm}`,
            group: t('jny.res.arm', { node: s.node, arm: a.arm }),
            rate: a,
            lift: a.vsControl,
            liftReason: a.vsControlReason,
          })),
        ),
      ]
    : [];
  return (
    <Card size="small" title={t('jny.res.title')} data-testid="journey-results">
      {!r ? (
        <Empty />
      ) : (
        <>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {r.goal
              ? t('jny.res.goal', { event: dictionary.displayName('event', r.goal.event) })
              : r.goalReason === null
                ? t('jny.res.noGoal')
                : translateReason(r.goalReason, lang)}
          </Typography.Paragraph>
          <Table<Row>
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={rows}
            onRow={(row) => ({ 'data-testid': `journey-result-${row.key}` }) as object}
            columns={[
              { title: t('jny.res.group'), dataIndex: 'group' },
              {
                title: t('jny.res.entries'),
                align: 'right',
                render: (_, row) => formatInteger(row.rate.entries, lang),
              },
              {
                title: t('jny.res.converted'),
                align: 'right',
                render: (_, row) => formatInteger(row.rate.converted, lang),
              },
              { title: t('jny.res.rate'), render: (_, row) => <RateCell rate={row.rate} /> },
              {
                title: t('jny.res.lift'),
                render: (_, row) =>
                  row.key === 'control' ? '' : <LiftCell lift={row.lift} reason={row.liftReason} />,
              },
            ]}
          />
          {r.branches.length > 0 && (
            <Table
              size="small"
              style={{ marginTop: 12 }}
              pagination={false}
              rowKey={(row) => `${row.node}:${row.arm}`}
              dataSource={r.branches.flatMap((b) => b.arms.map((a) => ({ node: b.node, ...a })))}
              columns={[
                {
                  title: t('jny.res.branchArm'),
                  render: (_, row) => t('jny.res.arm', { node: row.node, arm: row.arm }),
                },
                {
                  title: t('jny.res.entries'),
                  align: 'right',
                  render: (_, row) => formatInteger(row.entries, lang),
                },
                { title: t('jny.res.rate'), render: (_, row) => <RateCell rate={row} /> },
              ]}
            />
          )}
        </>
      )}
    </Card>
  );
}
