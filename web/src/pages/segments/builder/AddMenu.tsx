import { PlusOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps } from 'antd';
import { blankRule, LEAF_KINDS, productCategories, type Rule, type RuleKind } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useBuilder } from './context.ts';

/** "Add condition": every kind of condition, and nested groups. */
export function AddMenu({ onAdd, testId }: { onAdd: (rule: Rule) => void; testId: string }) {
  const { t } = useI18n();
  const { catalogue, kinds } = useBuilder();
  const allowed = (kind: RuleKind) => !kinds || kinds.includes(kind);
  const hint = {
    tag: catalogue.tags[0]?.key,
    attr: catalogue.attributes[0]?.name,
    holds: productCategories(catalogue)[0],
    event: catalogue.events[0]?.name,
  };
  const item = (kind: RuleKind) => ({
    key: kind,
    label: <span data-testid={`add-${kind}`}>{t(`builder.kind.${kind}`)}</span>,
  });
  const items: MenuProps['items'] = [
    ...LEAF_KINDS.filter(allowed).map(item),
    { type: 'divider' },
    ...(['all', 'any', 'not'] as const).filter(allowed).map(item),
  ];
  return (
    <Dropdown
      trigger={['click']}
      menu={{ items, onClick: ({ key }) => onAdd(blankRule(key as RuleKind, hint)) }}
    >
      <Button size="small" type="dashed" icon={<PlusOutlined />} data-testid={testId}>
        {t('builder.addCondition')}
      </Button>
    </Dropdown>
  );
}
