import { Select, Typography } from 'antd';
import { productCategories, type HoldsRule, type ProductCategory, type Rule } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { BoundsInput } from './BoundsInput.tsx';
import { useBuilder } from './context.ts';
import { holdingLabel } from './labels.ts';

/** Holds a product category, optionally with the category's total balance in bounds. */
export function HoldsCondition({ rule, onChange }: { rule: HoldsRule; onChange: (r: Rule) => void }) {
  const { t } = useI18n();
  const { catalogue } = useBuilder();
  const set = (next: Partial<HoldsRule>) => {
    const merged: HoldsRule = { ...rule, ...next };
    if (merged.balance === undefined) delete merged.balance;
    onChange(merged);
  };
  return (
    <>
      <Select<ProductCategory>
        value={rule.holds}
        onChange={(holds) => set({ holds })}
        options={productCategories(catalogue).map((h) => ({ value: h, label: holdingLabel(h, t) }))}
        style={{ width: 180 }}
        data-testid="cond-holds-category"
      />
      <Typography.Text type="secondary">{t('builder.holds.balance')}</Typography.Text>
      <BoundsInput
        value={rule.balance}
        onChange={(balance) => set({ balance })}
        optional
        noneLabel={t('builder.holds.anyBalance')}
        testId="cond-holds-balance"
      />
    </>
  );
}
