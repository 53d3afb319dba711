import { Card, Empty, Table, Tag, Tooltip, Typography } from 'antd';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { journeysApi, type JourneyResults } from './api.ts';

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
  const pct = (n: number | null | undefined) =>
    n === null || n === undefined ? '—' : formatPercent(n, lang);
  const pp = (n: number) => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} pp`;
  const rateCell = (rate: Rate) =>
    rate.rate === null ? (
      <Typography.Text type="secondary">{rate.reason ?? '—'}</Typography.Text>
    ) : (
      <span>
        {pct(rate.rate)}
        {rate.interval && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {' '}
            [{pct(rate.interval.lower)}, {pct(rate.interval.upper)}]
          </Typography.Text>
        )}
      </span>
    );
  const liftCell = (lift: Comparison | null, reason: string | null) => {
    if (!lift?.absolute)
      return <Typography.Text type="secondary">{reason ?? lift?.absoluteReason ?? '—'}</Typography.Text>;
    const a = lift.absolute;
    return (
      <span>
        <b>{pp(a.estimate)}</b>{' '}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          [{pp(a.lower)}, {pp(a.upper)}]
        </Typography.Text>{' '}
        {lift.test.pValue !== null && (
          <Tooltip title={`p = ${lift.test.pValue.toPrecision(3)}`}>
            <Tag color={lift.test.significant ? 'green' : 'default'}>
              {lift.test.significant ? t('jny.res.significant') : t('jny.res.notSignificant')}
            </Tag>
          </Tooltip>
        )}
      </span>
    );
  };
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
              : (r.goalReason ?? t('jny.res.noGoal'))}
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
              { title: t('jny.res.rate'), render: (_, row) => rateCell(row.rate) },
              {
                title: t('jny.res.lift'),
                render: (_, row) => (row.key === 'control' ? '' : liftCell(row.lift, row.liftReason)),
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
                { title: t('jny.res.rate'), render: (_, row) => rateCell(row) },
              ]}
            />
          )}
        </>
      )}
    </Card>
  );
}
