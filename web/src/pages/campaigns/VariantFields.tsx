import { Card, Checkbox, Form, Input } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { VariantKind, Variants } from './api.ts';
import { fieldKey, VARIANT_FIELDS, variantKey } from './labels.ts';

/** Which field a variable is inserted into: a variant's field. */
export interface FieldRef {
  readonly kind: VariantKind;
  readonly field: string;
}

const KINDS = Object.keys(VARIANT_FIELDS) as VariantKind[];

/** The per-channel templates: a switch per channel, its fields when on; focusing a field makes it the insert target. */
export function VariantFields(props: {
  variants: Variants;
  onChange: (variants: Variants) => void;
  onFocus: (ref: FieldRef) => void;
}) {
  const { t } = useI18n();
  const { variants } = props;
  const toggle = (kind: VariantKind, on: boolean) => {
    const next = { ...variants } as Record<string, unknown>;
    if (on) next[kind] = Object.fromEntries(VARIANT_FIELDS[kind].map((f) => [f, '']));
    else delete next[kind];
    props.onChange(next as Variants);
  };
  const set = (kind: VariantKind, field: string, value: string) =>
    props.onChange({ ...variants, [kind]: { ...(variants[kind] as object), [field]: value } } as Variants);
  return (
    <>
      <Form.Item label={t('content.form.channels')}>
        {KINDS.map((kind) => (
          <Checkbox
            key={kind}
            checked={variants[kind] !== undefined}
            onChange={(e) => toggle(kind, e.target.checked)}
            data-testid={`variant-toggle-${kind}`}
          >
            {t(variantKey(kind))}
          </Checkbox>
        ))}
      </Form.Item>
      {KINDS.filter((kind) => variants[kind] !== undefined).map((kind) => (
        <Card key={kind} size="small" title={t(variantKey(kind))} style={{ marginBottom: 12 }}>
          {VARIANT_FIELDS[kind].map((field) => {
            const value = (variants[kind] as Record<string, string> | undefined)?.[field] ?? '';
            const common = {
              value,
              onChange: (e: { target: { value: string } }) => set(kind, field, e.target.value),
              onFocus: () => props.onFocus({ kind, field }),
              'data-testid': `variant-${kind}-${field}`,
            };
            return (
              <Form.Item key={field} label={t(fieldKey(field))} style={{ marginBottom: 8 }}>
                {field === 'subject' || field === 'title' ? (
                  <Input {...common} />
                ) : (
                  <Input.TextArea {...common} autoSize={{ minRows: 2, maxRows: 8 }} />
                )}
              </Form.Item>
            );
          })}
        </Card>
      ))}
    </>
  );
}
