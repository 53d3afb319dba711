import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Input, Select, Space } from 'antd';
import type { PropertyPredicate, Scalar } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';

type WhereOp = keyof PropertyPredicate;
const WHERE_OPS: readonly { op: WhereOp; label: string | null }[] = [
  { op: 'eq', label: '=' },
  { op: 'ne', label: '≠' },
  { op: 'gt', label: '>' },
  { op: 'gte', label: '≥' },
  { op: 'lt', label: '<' },
  { op: 'lte', label: '≤' },
  { op: 'in', label: null },
  { op: 'contains', label: null },
];

interface Row {
  property: string;
  op: WhereOp;
  value: unknown;
}
export type Where = Record<string, Scalar | PropertyPredicate>;

function isPredicate(v: unknown): v is PropertyPredicate {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `where` as one row per (property, op); a bare value is `eq`. */
export function whereRows(where: Where | undefined): Row[] {
  const rows: Row[] = [];
  for (const [property, condition] of Object.entries(where ?? {})) {
    if (isPredicate(condition))
      for (const [op, value] of Object.entries(condition)) rows.push({ property, op: op as WhereOp, value });
    else rows.push({ property, op: 'eq', value: condition });
  }
  return rows;
}

/** Rows back to `where`: a property with only `eq` is written as its bare value, as people write it. */
export function whereFromRows(rows: readonly Row[]): Where | undefined {
  if (rows.length === 0) return undefined;
  const byProperty = new Map<string, Row[]>();
  for (const row of rows) byProperty.set(row.property, [...(byProperty.get(row.property) ?? []), row]);
  const where: Where = {};
  for (const [property, list] of byProperty) {
    const only = list[0];
    if (list.length === 1 && only?.op === 'eq' && !isPredicate(only.value))
      where[property] = only.value as Scalar;
    else where[property] = Object.fromEntries(list.map((r) => [r.op, r.value])) as PropertyPredicate;
  }
  return where;
}

/** Typed text: numbers become numbers and true/false booleans, so `amount > 1000` compares numbers. */
export function parseScalar(text: string): Scalar {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true') return true;
  if (s === 'false') return false;
  return text;
}

const show = (v: unknown) =>
  Array.isArray(v) ? v.map(String).join(', ') : v === undefined || v === null ? '' : String(v);

/** The property conditions of an event condition; all must hold. */
export function WhereEditor({
  where,
  properties,
  onChange,
}: {
  where: Where | undefined;
  properties: readonly string[];
  onChange: (where: Where | undefined) => void;
}) {
  const { t } = useI18n();
  const rows = whereRows(where);
  const set = (i: number, patch: Partial<Row>) =>
    onChange(whereFromRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r))));
  const used = new Set(rows.map((r) => r.property));
  const add = () =>
    onChange(
      whereFromRows([...rows, { property: properties.find((p) => !used.has(p)) ?? '', op: 'eq', value: '' }]),
    );

  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }} data-testid="cond-event-where">
      {rows.map((row, i) => (
        <Space key={i} size={6} wrap>
          <AutoComplete
            value={row.property}
            options={properties.map((p) => ({ value: p }))}
            onChange={(property: string) => set(i, { property })}
            placeholder={t('builder.event.property')}
            style={{ width: 160 }}
            data-testid="where-property"
          />
          <Select<WhereOp>
            value={row.op}
            onChange={(op) =>
              set(i, { op, value: op === 'in' ? [] : Array.isArray(row.value) ? '' : row.value })
            }
            options={WHERE_OPS.map((o) => ({
              value: o.op,
              label: o.label ?? (o.op === 'in' ? t('builder.op.in') : t('builder.op.contains')),
            }))}
            style={{ width: 100 }}
            data-testid="where-op"
          />
          <Input
            value={show(row.value)}
            onChange={(e) =>
              set(i, {
                value:
                  row.op === 'in'
                    ? e.target.value
                        .split(/[,，]/)
                        .map((x) => x.trim())
                        .filter((x) => x !== '')
                        .map(parseScalar)
                    : row.op === 'contains'
                      ? e.target.value
                      : parseScalar(e.target.value),
              })
            }
            placeholder={row.op === 'in' ? t('builder.attr.inPlaceholder') : t('builder.event.value')}
            style={{ width: 180 }}
            data-testid="where-value"
          />
          <Button
            type="text"
            icon={<DeleteOutlined />}
            onClick={() => onChange(whereFromRows(rows.filter((_, j) => j !== i)))}
            aria-label={t('builder.remove')}
          />
        </Space>
      ))}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={add} data-testid="where-add">
        {t('builder.event.addWhere')}
      </Button>
    </Space>
  );
}
