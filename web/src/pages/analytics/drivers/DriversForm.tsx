import { PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { segmentsApi } from '../../../api/segments.ts';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';

/** What the page analyses: the query of /analytics/drivers (outcome and population rules as JSON text). */
export interface DriversQuery {
  readonly outcome: string;
  readonly segment?: string;
  readonly population?: string;
  readonly bins?: number;
  readonly holdout?: number;
}

type PopulationKind = 'all' | 'segment' | 'rule';

/** Outcome and population pickers; `onRun` receives the query to analyse. */
export function DriversForm(props: { query: DriversQuery | null; onRun: (query: DriversQuery) => void }) {
  const { t } = useI18n();
  const q = props.query;
  const [outcome, setOutcome] = useState(q?.outcome ?? '');
  const [kind, setKind] = useState<PopulationKind>(q?.segment ? 'segment' : q?.population ? 'rule' : 'all');
  const [segment, setSegment] = useState<string | undefined>(q?.segment);
  const [population, setPopulation] = useState(q?.population ?? '');
  const [bins, setBins] = useState<number | null>(q?.bins ?? null);
  const [holdout, setHoldout] = useState<number | null>(q?.holdout ?? null);
  const [problem, setProblem] = useState<string | null>(null);
  // a link from elsewhere (the group analysis) changes the query: the form follows it
  useEffect(() => {
    setOutcome(q?.outcome ?? '');
    setKind(q?.segment ? 'segment' : q?.population ? 'rule' : 'all');
    setSegment(q?.segment);
    setPopulation(q?.population ?? '');
  }, [q?.outcome, q?.segment, q?.population]);
  const segments = useLoad((signal) => segmentsApi.list(signal), []);
  const activeSegments = (segments.data?.segments ?? [])
    .filter((s) => s.status === 'active')
    .map((s) => ({ value: s.id, label: s.name }));

  const run = () => {
    const parse = (which: string, text: string) => {
      try {
        JSON.parse(text);
        return null;
      } catch (e) {
        return t('analytics.drivers.badJson', { which, problem: e instanceof Error ? e.message : String(e) });
      }
    };
    const bad =
      outcome.trim() === ''
        ? t('analytics.drivers.outcomeMissing')
        : (parse(t('analytics.drivers.outcome'), outcome) ??
          (kind === 'rule' ? parse(t('analytics.drivers.population'), population) : null) ??
          (kind === 'segment' && !segment ? t('analytics.drivers.pickSegment') : null));
    setProblem(bad);
    if (bad) return;
    props.onRun({
      outcome: outcome.trim(),
      ...(kind === 'segment' && segment ? { segment } : {}),
      ...(kind === 'rule' ? { population: population.trim() } : {}),
      ...(bins ? { bins } : {}),
      ...(holdout ? { holdout } : {}),
    });
  };

  return (
    <Card style={{ marginBottom: 16 }} data-testid="drivers-form">
      <Form layout="vertical">
        <Form.Item label={t('analytics.drivers.outcome')} extra={t('analytics.drivers.outcomeHelp')}>
          <Input.TextArea
            value={outcome}
            onChange={(e) => setOutcome(e.target.value)}
            autoSize={{ minRows: 1, maxRows: 6 }}
            placeholder='{"attr":"exited","op":"=","value":1}'
            style={{ fontFamily: 'monospace' }}
            data-testid="drivers-outcome"
          />
          <Select
            showSearch
            optionFilterProp="label"
            value={null}
            onChange={(id: string) => setOutcome(JSON.stringify({ segment: id }))}
            placeholder={t('analytics.drivers.outcomeFromSegment')}
            loading={segments.loading}
            options={activeSegments}
            style={{ minWidth: 280, marginTop: 8 }}
            data-testid="drivers-outcome-segment"
          />
        </Form.Item>
        <Form.Item label={t('analytics.drivers.population')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as PopulationKind)}>
              <Radio value="all" data-testid="drivers-population-all">
                {t('analytics.drivers.populationAll')}
              </Radio>
              <Radio value="segment" data-testid="drivers-population-segment">
                {t('analytics.drivers.populationSegment')}
              </Radio>
              <Radio value="rule" data-testid="drivers-population-rule">
                {t('analytics.drivers.populationRule')}
              </Radio>
            </Radio.Group>
            {kind === 'segment' && (
              <Select
                showSearch
                optionFilterProp="label"
                value={segment}
                onChange={setSegment}
                placeholder={t('analytics.drivers.pickSegment')}
                loading={segments.loading}
                options={activeSegments}
                style={{ minWidth: 280 }}
                data-testid="drivers-segment"
              />
            )}
            {kind === 'rule' && (
              <Input.TextArea
                value={population}
                onChange={(e) => setPopulation(e.target.value)}
                autoSize={{ minRows: 1, maxRows: 6 }}
                placeholder='{"tag":"aum_tier","in":["gold"]}'
                style={{ fontFamily: 'monospace' }}
                data-testid="drivers-population"
              />
            )}
          </Space>
        </Form.Item>
        <Space wrap size={16} align="end">
          <Form.Item label={t('analytics.drivers.bins')} style={{ marginBottom: 0 }}>
            <InputNumber<number> min={2} max={20} value={bins} onChange={setBins} placeholder="5" />
          </Form.Item>
          <Form.Item label={t('analytics.drivers.holdout')} style={{ marginBottom: 0 }}>
            <InputNumber<number> min={10} max={50} value={holdout} onChange={setHoldout} placeholder="30" />
          </Form.Item>
          <Button type="primary" icon={<PlayCircleOutlined />} onClick={run} data-testid="drivers-run">
            {t('analytics.drivers.run')}
          </Button>
        </Space>
        {problem && (
          <Alert
            type="error"
            showIcon
            title={problem}
            style={{ marginTop: 16 }}
            data-testid="drivers-problem"
          />
        )}
      </Form>
    </Card>
  );
}
