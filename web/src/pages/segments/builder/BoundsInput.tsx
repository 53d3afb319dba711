import { InputNumber, Select, Space } from 'antd';
import type { Bounds } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';

type BoundsOp = 'none' | 'gte' | 'gt' | 'lte' | 'lt' | 'eq' | 'between';

/** The op a bounds object reads as; a mix of lower and upper bounds is "between". */
function readOp(b: Bounds | undefined): BoundsOp {
  if (!b) return 'none';
  if (b.eq !== undefined) return 'eq';
  const lower = b.gte !== undefined || b.gt !== undefined;
  const upper = b.lte !== undefined || b.lt !== undefined;
  if (lower && upper) return 'between';
  if (b.gte !== undefined) return 'gte';
  if (b.gt !== undefined) return 'gt';
  if (b.lte !== undefined) return 'lte';
  if (b.lt !== undefined) return 'lt';
  return 'none';
}

const num = (v: number | null | undefined) => v ?? (null as unknown as number);

/**
 * Numeric bounds as an op and one or two numbers. `optional` offers "any" (no bounds). A cleared number is sent as
 * null so the server names the problem at this condition.
 */
export function BoundsInput({
  value,
  onChange,
  optional,
  noneLabel,
  testId,
  min,
}: {
  value: Bounds | undefined;
  onChange: (b: Bounds | undefined) => void;
  optional: boolean;
  noneLabel?: string;
  testId: string;
  min?: number;
}) {
  const { t } = useI18n();
  const op = readOp(value);
  const lo = value?.gte ?? value?.gt ?? value?.eq;
  const hi = value?.lte ?? value?.lt ?? value?.eq;
  const single = op === 'gte' || op === 'gt' || op === 'eq' ? lo : hi;

  const setOp = (next: BoundsOp) => {
    const a = num(lo ?? hi ?? 0);
    if (next === 'none') onChange(undefined);
    else if (next === 'between') onChange({ gte: num(lo ?? 0), lte: num(hi ?? lo ?? 0) });
    else onChange({ [next]: a });
  };
  const ops: { value: BoundsOp; label: string }[] = [
    ...(optional ? [{ value: 'none' as const, label: noneLabel ?? t('builder.bounds.none') }] : []),
    { value: 'gte', label: '≥' },
    { value: 'gt', label: '>' },
    { value: 'lte', label: '≤' },
    { value: 'lt', label: '<' },
    { value: 'eq', label: '=' },
    { value: 'between', label: t('builder.op.between') },
  ];

  return (
    <Space.Compact data-testid={testId}>
      <Select<BoundsOp>
        value={op}
        onChange={setOp}
        options={ops}
        style={{ width: op === 'none' ? 150 : 96 }}
        popupMatchSelectWidth={false}
        data-testid={`${testId}-op`}
      />
      {op === 'between' && (
        <>
          <InputNumber<number>
            value={lo}
            min={min}
            onChange={(v) => onChange({ gte: num(v), lte: num(hi) })}
            style={{ width: 110 }}
            data-testid={`${testId}-lo`}
          />
          <InputNumber<number>
            value={hi}
            min={min}
            onChange={(v) => onChange({ gte: num(lo), lte: num(v) })}
            style={{ width: 110 }}
            data-testid={`${testId}-hi`}
          />
        </>
      )}
      {op !== 'none' && op !== 'between' && (
        <InputNumber<number>
          value={single}
          min={min}
          onChange={(v) => onChange({ [op]: num(v) })}
          style={{ width: 130 }}
          data-testid={`${testId}-value`}
        />
      )}
    </Space.Compact>
  );
}
