import { Select } from 'antd';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { contentApi } from './api.ts';

/** Picks a template variable ({{ customer.name }}, {{ tag.aum_tier }}) and hands its text to `onPick`. */
export function VariablePicker({ onPick }: { onPick: (text: string) => void }) {
  const { t, lang } = useI18n();
  const vocabulary = useLoad((signal) => contentApi.variables(signal), []);
  const options = vocabulary.data
    ? [
        ...Object.entries(vocabulary.data.fields).map(([root, fields]) => ({
          label: t(`var.${root}` as MessageKey),
          options: fields.map((f) => ({
            value: `{{ ${root}.${f} }}`,
            label: `${t(`var.${root}` as MessageKey)} · ${f}`,
          })),
        })),
        {
          label: t('var.tag'),
          options: vocabulary.data.tags.map((tag) => ({
            value: `{{ tag.${tag.key} }}`,
            label: lang === 'zh-CN' ? tag.name.zh : tag.name.en,
          })),
        },
      ]
    : [];
  return (
    <Select
      showSearch
      value={null}
      placeholder={t('content.form.insert')}
      options={options}
      optionFilterProp="label"
      onChange={(value: string | null) => value && onPick(value)}
      style={{ minWidth: 260 }}
      data-testid="variable-picker"
    />
  );
}
