import { InputNumber, Space, Table, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { EChart } from '../../../charts/EChart.tsx';
import { DayPicker } from '../../../components/DayPicker.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { productRoleKey } from '../../campaigns/labels.ts';
import { ogsmApi, type Scenes } from '../../ogsm/api.ts';
import { ComparisonText } from '../../ogsm/figures.tsx';
import { label } from '../../pool/labels.ts';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import { scenesHeatmap } from './scenesChart.ts';

type Group = Scenes['groups'][number];
type StageMoves = Group['treated'];

/**
 * /analytics/scenes: contacts grouped by scene (a campaign's content type, a journey's entry kind) and product role,
 * with the share of the treated whose lifecycle stage moved forward N days after the contact, against control.
 */
export function ScenesPage() {
  const { t, lang } = useI18n();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [days, setDays] = useState(30);
  const scenes = useLoad(
    (signal) => ogsmApi.scenes({ days, ...(from ? { from } : {}), ...(to ? { to } : {}) }, signal),
    [from, to, days],
  );
  const s = scenes.data;
  const stage = (key: string) => label(t, 'clist.stage', key);
  const sceneName = (g: Group) => label(t, 'scenes.scene', g.scene);
  const share = (m: StageMoves | null) =>
    m?.share == null ? (
      <Typography.Text type="secondary">—</Typography.Text>
    ) : (
      <Tooltip title={`${formatInteger(m.advanced, lang)} / ${formatInteger(m.measured, lang)}`}>
        {formatPercent(m.share, lang)}
      </Tooltip>
    );
  const roleName = (role: Group['role']) => t(productRoleKey(role === 'none' ? null : role));
  const heatmap = useMemo(
    () => (s ? scenesHeatmap(s.groups, { scene: sceneName, role: roleName }, lang) : null),
    // The names follow the language; the option is rebuilt when the data or the language changes.
    [s, lang],
  );
  const csv: CsvColumn<Group>[] = [
    { title: t('scenes.source'), value: (g) => t(`scenes.source.${g.source}`) },
    { title: t('scenes.scene'), value: sceneName },
    { title: t('scenes.role'), value: (g) => roleName(g.role) },
    { title: t('scenes.subjects'), value: (g) => g.subjects },
    { title: t('scenes.contacts'), value: (g) => g.contacts },
    { title: t('scenes.treated'), value: (g) => g.treated.customers },
    { title: t('scenes.measured'), value: (g) => g.treated.measured },
    { title: t('scenes.advanced'), value: (g) => g.treated.share },
    { title: t('scenes.controlAdvanced'), value: (g) => g.control?.share ?? null },
    { title: t('scenes.lift'), value: (g) => g.lift?.absolute?.estimate ?? null },
  ];
  const controls = (
    <Space wrap>
      <Typography.Text>{t('scenes.range')}</Typography.Text>
      <DayPicker
        value={from}
        onChange={setFrom}
        allowClear
        maxDay={to || undefined}
        data-testid="scenes-from"
      />
      <DayPicker value={to} onChange={setTo} allowClear minDay={from || undefined} data-testid="scenes-to" />
      <Typography.Text>{t('scenes.days')}</Typography.Text>
      <InputNumber
        min={1}
        max={90}
        precision={0}
        value={days}
        onChange={(v) => setDays(v ?? 30)}
        data-testid="scenes-days"
      />
    </Space>
  );
  if (scenes.error && !s)
    return <LoadError error={scenes.error} title={t('scenes.loadFailed')} onRetry={scenes.reload} />;
  return (
    <div data-testid="scenes-page">
      <div style={{ marginBottom: 12 }}>{controls}</div>
      <AnalysisFrame
        title={t('scenes.title')}
        testId="scenes-analysis"
        extra={<CsvButton fileName="scenes.csv" columns={csv} rows={s?.groups ?? []} />}
        meta={{
          definition: s ? (
            <Space direction="vertical" size={0}>
              {Object.values(s.definitions).map((d) => (
                <span key={d.en}>{pick(d, lang)}</span>
              ))}
            </Space>
          ) : (
            '—'
          ),
          window: s ? t('scenes.window', { from: s.from, to: s.to, days: s.days }) : '—',
          freshness: s?.freshness.computedAt ?? null,
        }}
      >
        {s?.freshness.snapshotsThrough && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('scenes.freshness', { through: s.freshness.snapshotsThrough })}
          </Typography.Paragraph>
        )}
        {heatmap && s && s.groups.some((g) => g.treated.share !== null) && (
          <>
            <Typography.Text strong>{t('scenes.heatmap')}</Typography.Text>
            <EChart
              option={heatmap}
              height={Math.max(200, 40 * new Set(s.groups.map((g) => g.scene)).size + 90)}
              testId="scenes-heatmap"
            />
          </>
        )}
        <Table<Group>
          size="small"
          loading={scenes.loading}
          pagination={false}
          rowKey={(g) => `${g.source}:${g.scene}:${g.role}`}
          dataSource={s?.groups ?? []}
          locale={{ emptyText: t('scenes.empty') }}
          onRow={(g) => ({ 'data-testid': `scene-${g.source}-${g.scene}-${g.role}` }) as object}
          scroll={{ x: true }}
          columns={[
            { title: t('scenes.source'), render: (_, g) => t(`scenes.source.${g.source}`) },
            { title: t('scenes.scene'), render: (_, g) => sceneName(g) },
            {
              title: t('scenes.role'),
              render: (_, g) => roleName(g.role),
            },
            {
              title: t('scenes.subjects'),
              align: 'right',
              render: (_, g) => formatInteger(g.subjects, lang),
            },
            {
              title: t('scenes.contacts'),
              align: 'right',
              render: (_, g) => formatInteger(g.contacts, lang),
            },
            {
              title: t('scenes.treated'),
              align: 'right',
              render: (_, g) => formatInteger(g.treated.customers, lang),
            },
            { title: t('scenes.advanced'), align: 'right', render: (_, g) => share(g.treated) },
            { title: t('scenes.controlAdvanced'), align: 'right', render: (_, g) => share(g.control) },
            {
              title: t('scenes.moves'),
              render: (_, g) => (
                <Space direction="vertical" size={0} style={{ fontSize: 12 }}>
                  {g.moves.slice(0, 4).map((m) => (
                    <span key={`${m.from}>${m.to}`}>
                      {stage(m.from)} → {stage(m.to)}: {formatInteger(m.customers, lang)} (
                      {formatPercent(m.share, lang)})
                    </span>
                  ))}
                </Space>
              ),
            },
            {
              title: t('scenes.lift'),
              render: (_, g) => (
                <ComparisonText lift={g.lift} reason={g.liftReason} metric="conversion_rate" />
              ),
            },
          ]}
        />
      </AnalysisFrame>
    </div>
  );
}
