import type { ReactNode } from 'react';
import { Input, InputNumber, Select } from 'antd';
import type { AttrOp, AttrRule, Rule, Scalar } from '../../../api/rule.ts';
import type { AttrType } from '../../../api/segments.ts';
import { keyedPicker } from '../../../dictionary/keyedPicker.tsx';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { coerce, defaultValue, OPS_BY_TYPE, valueForOp } from './attrValues.ts';
import { useBuilder } from './context.ts';
import { attrLabel } from './labels.ts';
import { DayPicker } from '../../../components/DayPicker.tsx';

/** A customer attribute compared with a value; the op list and the inputs follow the attribute's type. */
export function AttrCondition({ rule, onChange }: { rule: AttrRule; onChange: (r: Rule) => void }) {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const { catalogue } = useBuilder();
  const attribute = catalogue.attributes.find((a) => a.name === rule.attr);
  const type: AttrType = attribute?.type ?? 'string';
  const ops = OPS_BY_TYPE[type];
  const choices = attribute?.values;

  const setAttr = (name: string) => {
    const next = catalogue.attributes.find((a) => a.name === name);
    const nextType = next?.type ?? 'string';
    const op: AttrOp = OPS_BY_TYPE[nextType].includes(rule.op) && nextType === type ? rule.op : '=';
    onChange({ attr: name, op, value: op === rule.op ? rule.value : defaultValue(nextType) });
  };
  const setOp = (op: AttrOp) => onChange({ attr: rule.attr, op, value: valueForOp(op, rule.value, type) });
  const setValue = (value: AttrRule['value']) => onChange({ attr: rule.attr, op: rule.op, value });

  const scalarInput = (value: unknown, onValue: (v: Scalar | null) => void, testId: string) => {
    if (type === 'number')
      return (
        <InputNumber<number>
          value={typeof value === 'number' ? value : null}
          onChange={(v) => onValue(v)}
          style={{ width: 140 }}
          data-testid={testId}
        />
      );
    if (type === 'date')
      return (
        <DayPicker
          value={typeof value === 'string' ? value : ''}
          onChange={(day) => onValue(day || null)}
          data-testid={testId}
        />
      );
    if (type === 'boolean')
      return (
        <Select<string>
          value={value === true ? 'true' : value === false ? 'false' : undefined}
          onChange={(v) => onValue(v === 'true')}
          options={[
            { value: 'true', label: t('builder.attr.true') },
            { value: 'false', label: t('builder.attr.false') },
          ]}
          style={{ width: 110 }}
          data-testid={testId}
        />
      );
    if (choices && choices.length > 0)
      return (
        <Select<string>
          showSearch={{ optionFilterProp: 'label' }}
          value={typeof value === 'string' && value !== '' ? value : undefined}
          onChange={(v) => onValue(v)}
          options={choices.map((c) => ({ value: String(c), label: String(c) }))}
          style={{ width: 200 }}
          data-testid={testId}
        />
      );
    return (
      <Input
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onValue(e.target.value)}
        style={{ width: 200 }}
        data-testid={testId}
      />
    );
  };

  let valueInput: ReactNode;
  if (rule.op === 'between') {
    const [lo, hi] = Array.isArray(rule.value) ? (rule.value as (Scalar | null)[]) : [null, null];
    valueInput = (
      <>
        {scalarInput(lo, (v) => setValue([v, hi ?? null]), 'cond-attr-lo')}
        <span>{t('builder.attr.and')}</span>
        {scalarInput(hi, (v) => setValue([lo ?? null, v]), 'cond-attr-hi')}
      </>
    );
  } else if (rule.op === 'in') {
    const list = Array.isArray(rule.value) ? (rule.value as Scalar[]) : [];
    valueInput = (
      <Select<string[]>
        mode={type === 'boolean' ? 'multiple' : 'tags'}
        value={list.map(String)}
        onChange={(vs) => setValue(vs.map((v) => coerce(v, type)).filter((v) => v !== null))}
        options={(type === 'boolean' ? ['true', 'false'] : (choices ?? []).map(String)).map((v) => ({
          value: v,
          label: v,
        }))}
        tokenSeparators={[',', '，', ' ']}
        placeholder={t('builder.attr.inPlaceholder')}
        style={{ minWidth: 240, maxWidth: 480 }}
        data-testid="cond-attr-in"
      />
    );
  } else if (rule.op === 'empty') {
    valueInput = (
      <Select<string>
        value={rule.value === false ? 'false' : 'true'}
        onChange={(v) => setValue(v === 'true')}
        options={[
          { value: 'true', label: t('builder.attr.isEmpty') },
          { value: 'false', label: t('builder.attr.isNotEmpty') },
        ]}
        style={{ width: 140 }}
        data-testid="cond-attr-empty"
      />
    );
  } else if (rule.op === 'contains') {
    valueInput = (
      <Input
        value={typeof rule.value === 'string' ? rule.value : ''}
        onChange={(e) => setValue(e.target.value)}
        style={{ width: 200 }}
        data-testid="cond-attr-value"
      />
    );
  } else {
    valueInput = scalarInput(rule.value, setValue, 'cond-attr-value');
  }

  return (
    <>
      <Select<string>
        {...keyedPicker(
          catalogue.attributes.map((a) => ({ key: a.name, label: attrLabel(a.name, t, dictionary) })),
        )}
        placeholder={t('builder.attr.pick')}
        value={rule.attr || undefined}
        onChange={setAttr}
        style={{ width: 220 }}
        popupMatchSelectWidth={false}
        data-testid="cond-attr-name"
      />
      <Select<AttrOp>
        value={rule.op}
        onChange={setOp}
        options={ops.map((op) => ({ value: op, label: opLabel(op, t) }))}
        style={{ width: 120 }}
        popupMatchSelectWidth={false}
        data-testid="cond-attr-op"
      />
      {valueInput}
    </>
  );
}

function opLabel(op: AttrOp, t: ReturnType<typeof useI18n>['t']): string {
  switch (op) {
    case 'between':
      return t('builder.op.between');
    case 'in':
      return t('builder.op.in');
    case 'contains':
      return t('builder.op.contains');
    case 'empty':
      return t('builder.op.empty');
    case '=':
      return '=';
    case '!=':
      return '≠';
    case '<=':
      return '≤';
    case '>=':
      return '≥';
    default:
      return op;
  }
}
