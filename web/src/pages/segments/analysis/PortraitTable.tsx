import { Table, Tooltip, Typography } from 'antd';
import type { Analysis } from '../../../api/segments.ts';
import { formatPercent } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';

type Row = Analysis['portrait'][number];

/** The tag values that set the group apart: group share against the bank's, and TGI = 100 × group / base. */
export function PortraitTable({ rows }: { rows: Analysis['portrait'] }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const max = Math.max(200, ...rows.map((r) => r.tgi));
  return (
    <Table<Row>
      size="small"
      rowKey={(r) => `${r.tag}=${r.value}`}
      pagination={rows.length > 12 ? { pageSize: 12 } : false}
      dataSource={[...rows]}
      columns={[
        {
          title: t('analysis.portraitTag'),
          key: 'tag',
          render: (_: unknown, r) => dictionary.nameOr('tag', r.tag, r.name),
        },
        {
          title: t('analysis.portraitValue'),
          key: 'value',
          render: (_: unknown, r) => (
            <Typography.Text strong>{pick(r.label, lang) || r.value}</Typography.Text>
          ),
        },
        {
          title: t('analysis.groupShare'),
          dataIndex: 'groupShare',
          align: 'right',
          render: (v: number) => formatPercent(v, lang),
        },
        {
          title: t('analysis.baseShare'),
          dataIndex: 'baseShare',
          align: 'right',
          render: (v: number) => formatPercent(v, lang),
        },
        {
          title: (
            <Tooltip title={t('analysis.tgiHelp')}>
              <span>TGI</span>
            </Tooltip>
          ),
          dataIndex: 'tgi',
          width: 200,
          render: (tgi: number, r) => (
            <div
              style={{ display: 'flex', alignItems: 'center', gap: 8 }}
              data-testid={`portrait-${r.tag}-${r.value}`}
              data-value={String(tgi)}
            >
              <div
                style={{ flex: 1, height: 8, background: '#f0f2f5', borderRadius: 4, position: 'relative' }}
              >
                <div
                  style={{
                    width: `${Math.min(100, (tgi / max) * 100)}%`,
                    height: '100%',
                    borderRadius: 4,
                    background: tgi >= 120 ? '#fa8c16' : tgi <= 80 ? '#91caff' : '#bfbfbf',
                  }}
                />
                <div
                  style={{
                    position: 'absolute',
                    left: `${(100 / max) * 100}%`,
                    top: -2,
                    bottom: -2,
                    width: 1,
                    background: '#8c8c8c',
                  }}
                />
              </div>
              <span style={{ width: 40, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                {Math.round(tgi)}
              </span>
            </div>
          ),
        },
      ]}
    />
  );
}
