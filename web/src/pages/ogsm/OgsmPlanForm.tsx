import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, errorText } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  CATEGORIES,
  metricsOf,
  ogsmApi,
  type Category,
  type MetricKey,
  type PlanInput,
  type PlanView,
  type Population,
  type SubjectKind,
} from './api.ts';

// The plan's editor: objective, goals (metric, target, window, population, category for new buyers), strategies and
// measures. What the schema cannot say (a metric this kind lacks, a population it does not count) the server refuses
// with located problems, listed here as it sends them.

interface GoalValues {
  id?: string;
  metric: MetricKey;
  target: number;
  windowDays: number;
  population: Population;
  category?: Category;
  text?: string;
}
interface Values {
  objective: string;
  goals: GoalValues[];
  strategies: { id?: string; text: string }[];
  measures: MetricKey[];
}

/** Ids for rows added here: the prefix and the first number no row of the plan has. */
function freshIds(prefix: string, rows: readonly { id?: string }[]): string[] {
  const taken = new Set(rows.map((r) => r.id).filter(Boolean));
  let n = 1;
  return rows.map((r) => {
    if (r.id) return r.id;
    while (taken.has(`${prefix}${n}`)) n += 1;
    taken.add(`${prefix}${n}`);
    return `${prefix}${n}`;
  });
}

/** The plan as the API takes it from the form's values. */
function toInput(v: Values): PlanInput {
  const goalIds = freshIds('g', v.goals);
  const strategyIds = freshIds('s', v.strategies);
  return {
    objective: v.objective.trim(),
    goals: v.goals.map((g, i) => ({
      id: goalIds[i] as string,
      metric: g.metric,
      target: g.target,
      windowDays: g.windowDays,
      population: g.population,
      ...(g.metric === 'new_buyers' && g.category ? { category: g.category } : {}),
      ...(g.text?.trim() ? { text: g.text.trim() } : {}),
    })),
    strategies: v.strategies.map((s, i) => ({ id: strategyIds[i] as string, text: s.text.trim() })),
    measures: v.measures,
  };
}

/** The form's starting values: the saved plan, or an empty one with one goal counting the kind's first population. */
function initialValues(plan: PlanView | null, population: Population): Values {
  if (!plan)
    return {
      objective: '',
      goals: [{ metric: 'conversions', target: 100, windowDays: 30, population }],
      strategies: [],
      measures: [],
    };
  return {
    objective: plan.objective,
    goals: plan.goals.map((g) => ({
      id: g.id,
      metric: g.metric,
      target: g.target,
      windowDays: g.windowDays,
      population: g.population,
      ...(g.category ? { category: g.category as Category } : {}),
      ...(g.text ? { text: g.text } : {}),
    })),
    strategies: plan.strategies.map((s) => ({ id: s.id, text: s.text })),
    measures: plan.measures.map((m) => m.metric),
  };
}

/** The OGSM plan editor of a subject; `onSaved` after the server took it. */
export function OgsmPlanForm(props: {
  kind: SubjectKind;
  id: number;
  plan: PlanView | null;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{ text: string; issues: string[] } | null>(null);
  const populations: Population[] = props.kind === 'activity' ? ['attendees', 'group'] : ['treated', 'group'];
  const metricOptions = metricsOf(props.kind).map((m) => ({ value: m, label: t(`ogsm.metric.${m}`) }));

  const save = async (values: Values) => {
    setBusy(true);
    setRefusal(null);
    try {
      const saved = await ogsmApi.save(props.kind, props.id, toInput(values));
      message.success(t('ogsm.planSaved', { n: saved.version }));
      props.onSaved();
    } catch (e) {
      const issues = e instanceof ApiError ? e.validationIssues.map((i) => `${i.path}: ${i.message}`) : [];
      setRefusal({ text: errorText(e), issues });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues(props.plan, populations[0] as Population)}
      onFinish={(v) => void save(v)}
      data-testid="ogsm-form"
    >
      <Form.Item
        name="objective"
        label={t('ogsm.objective')}
        rules={[{ required: true, whitespace: true, message: t('ogsm.required') }]}
      >
        <Input.TextArea autoSize={{ minRows: 2 }} data-testid="ogsm-objective" />
      </Form.Item>
      <Typography.Title level={5}>{t('ogsm.goals')}</Typography.Title>
      <Form.List name="goals">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Space key={field.key} wrap align="start" data-testid="ogsm-goal-row">
                <Form.Item name={[field.name, 'metric']} label={t('ogsm.metric')}>
                  <Select options={metricOptions} style={{ width: 160 }} data-testid="ogsm-goal-metric" />
                </Form.Item>
                <Form.Item noStyle shouldUpdate>
                  {() => {
                    const metric = form.getFieldValue(['goals', field.name, 'metric']) as MetricKey;
                    return (
                      <Space wrap align="start">
                        <Form.Item
                          name={[field.name, 'target']}
                          label={t('ogsm.target')}
                          rules={[{ required: true, message: t('ogsm.required') }]}
                          extra={metric === 'conversion_rate' ? t('ogsm.ratioHint') : undefined}
                        >
                          <InputNumber min={0} style={{ width: 120 }} data-testid="ogsm-goal-target" />
                        </Form.Item>
                        {metric === 'new_buyers' && (
                          <Form.Item name={[field.name, 'category']} label={t('ogsm.category')}>
                            <Select
                              allowClear
                              style={{ width: 150 }}
                              options={CATEGORIES.map((c) => ({ value: c, label: t(`holding.${c}`) }))}
                            />
                          </Form.Item>
                        )}
                      </Space>
                    );
                  }}
                </Form.Item>
                <Form.Item
                  name={[field.name, 'windowDays']}
                  label={t('ogsm.windowDays')}
                  rules={[{ required: true, message: t('ogsm.required') }]}
                >
                  <InputNumber min={1} max={365} precision={0} style={{ width: 100 }} />
                </Form.Item>
                <Form.Item name={[field.name, 'population']} label={t('ogsm.population')}>
                  <Select
                    style={{ width: 150 }}
                    options={populations.map((p) => ({ value: p, label: t(`ogsm.population.${p}`) }))}
                  />
                </Form.Item>
                <Form.Item name={[field.name, 'text']} label={t('ogsm.goalText')}>
                  <Input style={{ width: 220 }} />
                </Form.Item>
                <Form.Item label=" ">
                  <Button icon={<MinusCircleOutlined />} onClick={() => remove(field.name)}>
                    {t('ogsm.remove')}
                  </Button>
                </Form.Item>
              </Space>
            ))}
            <Button
              icon={<PlusOutlined />}
              onClick={() =>
                add({ metric: 'conversions', target: 100, windowDays: 30, population: populations[0] })
              }
              style={{ marginBottom: 16 }}
              data-testid="ogsm-add-goal"
            >
              {t('ogsm.addGoal')}
            </Button>
          </>
        )}
      </Form.List>
      <Typography.Title level={5}>{t('ogsm.strategies')}</Typography.Title>
      <Form.List name="strategies">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Space key={field.key} align="start" style={{ display: 'flex' }}>
                <Form.Item
                  name={[field.name, 'text']}
                  rules={[{ required: true, whitespace: true, message: t('ogsm.required') }]}
                  style={{ width: 560 }}
                >
                  <Input placeholder={t('ogsm.strategyText')} data-testid="ogsm-strategy-text" />
                </Form.Item>
                <Button icon={<MinusCircleOutlined />} onClick={() => remove(field.name)}>
                  {t('ogsm.remove')}
                </Button>
              </Space>
            ))}
            <Button
              icon={<PlusOutlined />}
              onClick={() => add({ text: '' })}
              style={{ marginBottom: 16 }}
              data-testid="ogsm-add-strategy"
            >
              {t('ogsm.addStrategy')}
            </Button>
          </>
        )}
      </Form.List>
      <Form.Item name="measures" label={t('ogsm.measures')}>
        <Select mode="multiple" options={metricOptions} data-testid="ogsm-measures" />
      </Form.Item>
      {refusal && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message={refusal.issues.length > 0 ? t('ogsm.invalid') : refusal.text}
          description={
            refusal.issues.length > 0 ? (
              <ul style={{ margin: 0 }} data-testid="ogsm-issues">
                {refusal.issues.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
      )}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="ogsm-save">
          {t('ogsm.save')}
        </Button>
        <Button onClick={props.onCancel}>{t('ogsm.cancel')}</Button>
      </Space>
    </Form>
  );
}
