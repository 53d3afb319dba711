import { Select, Typography } from 'antd';
import type { Rule, TagRule } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { keyedPicker } from '../../../dictionary/keyedPicker.tsx';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useBuilder } from './context.ts';

/** Carries any of the chosen values of a tag. */
export function TagCondition({ rule, onChange }: { rule: TagRule; onChange: (r: Rule) => void }) {
  const { t, lang } = useI18n();
  const { catalogue } = useBuilder();
  const dictionary = useDictionary();
  const tag = catalogue.tags.find((x) => x.key === rule.tag);
  return (
    <>
      <Select<string>
        {...keyedPicker(
          catalogue.tags.map((x) => ({ key: x.key, label: dictionary.nameOr('tag', x.key, x.name, lang) })),
        )}
        placeholder={t('builder.tag.pick')}
        value={rule.tag || undefined}
        onChange={(key) => onChange({ tag: key, in: [] })}
        style={{ width: 240 }}
        popupMatchSelectWidth={false}
        data-testid="cond-tag-key"
      />
      <Typography.Text type="secondary">{t('builder.tag.in')}</Typography.Text>
      <Select<string[]>
        mode="multiple"
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('builder.tag.values')}
        value={rule.in}
        onChange={(values) => onChange({ tag: rule.tag, in: values })}
        options={(tag?.values ?? []).map((v) => ({ value: v.value, label: pick(v.label, lang) || v.value }))}
        style={{ minWidth: 240, maxWidth: 520 }}
        popupMatchSelectWidth={false}
        data-testid="cond-tag-values"
      />
    </>
  );
}
