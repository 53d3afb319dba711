import { PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, InputNumber, Radio, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import type { Rule } from '../../../api/rule.ts';
import { segmentsApi, type SegmentCatalogue } from '../../../api/segments.ts';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { exampleOutcome, OutcomePicker, outcomeOf, outcomeRule, type Outcome } from './OutcomePicker.tsx';

/**
 * What the page analyses: the query of /analytics/drivers (outcome and population rules as JSON text, written by the
 * pickers or by a link from the group analysis, never typed).
 */
export interface DriversQuery {
  readonly outcome: string;
  readonly segment?: string;
  readonly population?: string;
  readonly bins?: number;
  readonly holdout?: number;
}

type PopulationKind = 'all' | 'segment' | 'rule';

/** The outcome a query names, or the catalogue's first example (a tag value) when it names none or is unreadable. */
function initialOutcome(text: string | undefined, catalogue: SegmentCatalogue): Outcome {
  if (text) {
    try {
      return outcomeOf(JSON.parse(text) as Rule);
    } catch {
      // an edited address: start from the example
    }
  }
  return { kind: 'tag', rule: exampleOutcome('tag', catalogue), negated: false };
}

/** Whether a condition is filled in enough to run (the server still checks it and locates what is wrong). */
function complete(rule: Rule, catalogue: SegmentCatalogue): boolean {
  if ('tag' in rule) return rule.tag !== '' && rule.in.length > 0;
  if ('attr' in rule) {
    const type = catalogue.attributes.find((a) => a.name === rule.attr)?.type;
    const numeric = type === 'number' && rule.op !== 'empty';
    const filled = (v: unknown) => v !== null && v !== '' && (!numeric || typeof v === 'number');
    return type !== undefined && (Array.isArray(rule.value) ? rule.value.every(filled) : filled(rule.value));
  }
  if ('event' in rule) return rule.event !== '';
  if ('segment' in rule) return rule.segment !== '';
  return true;
}

/** Outcome and population pickers (no JSON typed); `onRun` receives the query to analyse. */
export function DriversForm(props: {
  query: DriversQuery | null;
  onRun: (query: DriversQuery) => void;
  extra?: ReactNode;
}) {
  const catalogue = useLoad((signal) => segmentsApi.catalogue(signal), []);
  if (!catalogue.data)
    return (
      <Card style={{ marginBottom: 16 }}>
        <Skeleton active />
      </Card>
    );
  return <DriversFormBody {...props} catalogue={catalogue.data} />;
}

function DriversFormBody(props: {
  query: DriversQuery | null;
  onRun: (query: DriversQuery) => void;
  extra?: ReactNode;
  catalogue: SegmentCatalogue;
}) {
  const { t } = useI18n();
  const q = props.query;
  const [outcome, setOutcome] = useState<Outcome>(() => initialOutcome(q?.outcome, props.catalogue));
  const [kind, setKind] = useState<PopulationKind>(q?.segment ? 'segment' : q?.population ? 'rule' : 'all');
  const [segment, setSegment] = useState<string | undefined>(q?.segment);
  const [bins, setBins] = useState<number | null>(q?.bins ?? null);
  const [holdout, setHoldout] = useState<number | null>(q?.holdout ?? null);
  const [problem, setProblem] = useState<string | null>(null);
  // a link from elsewhere (the group analysis) or a reopened report changes the query: the form follows it
  useEffect(() => {
    if (q?.outcome) setOutcome(initialOutcome(q.outcome, props.catalogue));
    setKind(q?.segment ? 'segment' : q?.population ? 'rule' : 'all');
    setSegment(q?.segment);
  }, [q?.outcome, q?.segment, q?.population]);
  const activeSegments = props.catalogue.segments.map((s) => ({ value: s.id, label: s.name }));

  const run = () => {
    const bad = !complete(outcome.rule, props.catalogue)
      ? t('analytics.drivers.outcomeMissing')
      : kind === 'segment' && !segment
        ? t('analytics.drivers.pickSegment')
        : null;
    setProblem(bad);
    if (bad) return;
    props.onRun({
      outcome: JSON.stringify(outcomeRule(outcome)),
      ...(kind === 'segment' && segment ? { segment } : {}),
      ...(kind === 'rule' && q?.population ? { population: q.population } : {}),
      ...(bins ? { bins } : {}),
      ...(holdout ? { holdout } : {}),
    });
  };

  return (
    <Card style={{ marginBottom: 16 }} data-testid="drivers-form" extra={props.extra}>
      <Form layout="vertical">
        <Form.Item label={t('analytics.drivers.outcome')} extra={t('analytics.drivers.outcomeHelp')}>
          <OutcomePicker catalogue={props.catalogue} value={outcome} onChange={setOutcome} />
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
              {q?.population && (
                <Radio value="rule" data-testid="drivers-population-rule">
                  {t('analytics.drivers.populationLinked')}
                </Radio>
              )}
            </Radio.Group>
            {kind === 'segment' && (
              <Select
                showSearch
                optionFilterProp="label"
                value={segment}
                onChange={setSegment}
                placeholder={t('analytics.drivers.pickSegment')}
                options={activeSegments}
                style={{ minWidth: 280 }}
                data-testid="drivers-segment"
              />
            )}
            {kind === 'rule' && q?.population && (
              <Typography.Text type="secondary" data-testid="drivers-population">
                {t('analytics.drivers.populationRule')}
              </Typography.Text>
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
