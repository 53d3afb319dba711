import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Input, InputNumber, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { Issue } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { issuesAt, type TagDraft, type ValueDraft } from './tagDraft.ts';

/** Server issues about one part of the form, shown right under it. */
export function InlineIssues({ issues, testId }: { issues: readonly Issue[]; testId?: string }) {
  if (issues.length === 0) return null;
  return (
    <div data-testid={testId ?? 'form-issues'}>
      {issues.map((i, n) => (
        <Typography.Text key={n} type="danger" style={{ display: 'block', fontSize: 13 }}>
          <Typography.Text code>{i.path}</Typography.Text> {i.message}
        </Typography.Text>
      ))}
    </div>
  );
}

/** Form.Item props that put the server's issues about `path` under the field. */
export function fieldStatus(
  issues: readonly Issue[],
  path: string,
): { validateStatus?: 'error'; help?: ReactNode } {
  const mine = issuesAt(issues, path);
  return mine.length === 0
    ? {}
    : {
        validateStatus: 'error',
        help: <span data-testid={`issue-${path}`}>{mine.map((i) => i.message).join('; ')}</span>,
      };
}

/** The rows of values (buckets, attribute values, manual values): key, both labels, and per-kind extras. */
export function ValueRows({
  draft,
  onChange,
  issues,
  path,
  bounds,
  extra,
}: {
  draft: TagDraft;
  onChange: (values: ValueDraft[]) => void;
  issues: readonly Issue[];
  /** The spec list the rows are (`spec.buckets`), for locating issues. */
  path: string;
  bounds: boolean;
  extra?: (row: ValueDraft, i: number, set: (patch: Partial<ValueDraft>) => void) => ReactNode;
}) {
  const { t } = useI18n();
  const rows = draft.values;
  const set = (i: number, patch: Partial<ValueDraft>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () => {
    const last = rows.at(-1);
    onChange([
      ...rows,
      { value: '', en: '', zh: '', ...(bounds ? { min: last?.max ?? null, max: null } : {}) },
    ]);
  };
  return (
    <Space orientation="vertical" size={10} style={{ width: '100%' }} data-testid="value-rows">
      {rows.map((row, i) => {
        const rowIssues = issuesAt(issues, `${path}[${i}]`).filter(
          (x) => !x.path.startsWith(`${path}[${i}].rule`),
        );
        return (
          <div
            key={i}
            data-testid={`value-row-${i}`}
            style={{
              border: `1px solid ${rowIssues.length ? '#ff7875' : '#eef0f3'}`,
              borderRadius: 6,
              padding: 10,
            }}
          >
            <Space wrap size={8} align="center">
              <Input
                value={row.value}
                placeholder={t('tagForm.valueKey')}
                onChange={(e) => set(i, { value: e.target.value })}
                style={{ width: 120 }}
                data-testid="value-key"
              />
              <Input
                value={row.zh}
                placeholder={t('tags.labelZh')}
                onChange={(e) => set(i, { zh: e.target.value })}
                style={{ width: 130 }}
                data-testid="value-zh"
              />
              <Input
                value={row.en}
                placeholder={t('tags.labelEn')}
                onChange={(e) => set(i, { en: e.target.value })}
                style={{ width: 150 }}
                data-testid="value-en"
              />
              {bounds && (
                <>
                  <InputNumber<number>
                    value={row.min ?? null}
                    placeholder={t('tagForm.min')}
                    onChange={(v) => set(i, { min: v })}
                    style={{ width: 110 }}
                    data-testid="value-min"
                  />
                  <span>≤ x &lt;</span>
                  <InputNumber<number>
                    value={row.max ?? null}
                    placeholder={t('tagForm.max')}
                    onChange={(v) => set(i, { max: v })}
                    style={{ width: 110 }}
                    data-testid="value-max"
                  />
                </>
              )}
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
                aria-label={t('builder.remove')}
              />
            </Space>
            {extra?.(row, i, (patch) => set(i, patch))}
            <InlineIssues issues={rowIssues} testId={`value-row-${i}-issues`} />
          </div>
        );
      })}
      <Button type="dashed" icon={<PlusOutlined />} onClick={add} data-testid="value-add">
        {t('tagForm.addValue')}
      </Button>
    </Space>
  );
}

/** The value of customers no row covers: `default` (attribute) or `missing` (bucket). */
export function FallbackRow({
  draft,
  onChange,
  label,
  issues,
}: {
  draft: TagDraft;
  onChange: (fallback: TagDraft['fallback']) => void;
  label: string;
  issues: readonly Issue[];
}) {
  const { t } = useI18n();
  const f = draft.fallback;
  return (
    <div>
      <Checkbox
        checked={f.enabled}
        onChange={(e) => onChange({ ...f, enabled: e.target.checked })}
        data-testid="fallback-enabled"
      >
        {label}
      </Checkbox>
      {f.enabled && (
        <Space wrap size={8} style={{ marginTop: 8 }}>
          <Input
            value={f.value}
            placeholder={t('tagForm.valueKey')}
            onChange={(e) => onChange({ ...f, value: e.target.value })}
            style={{ width: 150 }}
          />
          <Input
            value={f.zh}
            placeholder={t('tags.labelZh')}
            onChange={(e) => onChange({ ...f, zh: e.target.value })}
            style={{ width: 150 }}
          />
          <Input
            value={f.en}
            placeholder={t('tags.labelEn')}
            onChange={(e) => onChange({ ...f, en: e.target.value })}
            style={{ width: 170 }}
          />
        </Space>
      )}
      <InlineIssues issues={issues} />
    </div>
  );
}
