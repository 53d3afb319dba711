import { InputNumber, Input, Select, Space, Typography } from 'antd';
import type { ListRule, Rule, SampleRule, SegmentRule } from '../../../api/rule.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useBuilder } from './context.ts';
import { ListUpload } from './ListUpload.tsx';

/** Is a member of another saved segment. */
export function SegmentCondition({ rule, onChange }: { rule: SegmentRule; onChange: (r: Rule) => void }) {
  const { t } = useI18n();
  const { catalogue, selfId } = useBuilder();
  return (
    <Select<string>
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('builder.segment.pick')}
      value={rule.segment || undefined}
      onChange={(segment) => onChange({ segment })}
      options={catalogue.segments
        .filter((s) => s.id !== selfId)
        .map((s) => ({ value: s.id, label: `${s.name} · ${s.id}` }))}
      style={{ width: 320 }}
      data-testid="cond-segment"
    />
  );
}

/** Is on an uploaded customer list; a new list can be uploaded from here. */
export function ListCondition({ rule, onChange }: { rule: ListRule; onChange: (r: Rule) => void }) {
  const { t, lang } = useI18n();
  const { catalogue } = useBuilder();
  return (
    <>
      <Select<string>
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('builder.list.pick')}
        value={rule.list || undefined}
        onChange={(list) => onChange({ list })}
        options={catalogue.lists.map((l) => ({
          value: l.id,
          label: `${l.name} · ${t('builder.list.members', { n: formatInteger(l.members, lang) })}`,
        }))}
        style={{ width: 320 }}
        data-testid="cond-list"
      />
      <ListUpload onUploaded={(id) => onChange({ list: id })} />
    </>
  );
}

/** A stable pseudo-random share of customers, e.g. for a hold-out group. */
export function SampleCondition({ rule, onChange }: { rule: SampleRule; onChange: (r: Rule) => void }) {
  const { t } = useI18n();
  const { percent, seed } = rule.sample;
  return (
    <Space wrap size={8}>
      <InputNumber<number>
        value={percent}
        min={0}
        max={100}
        step={1}
        suffix="%"
        onChange={(v) => onChange({ sample: { percent: v ?? (null as unknown as number), seed } })}
        style={{ width: 110 }}
        data-testid="cond-sample-percent"
      />
      <Typography.Text type="secondary">{t('builder.sample.seed')}</Typography.Text>
      <Input
        value={seed}
        onChange={(e) => onChange({ sample: { percent, seed: e.target.value } })}
        style={{ width: 160 }}
        data-testid="cond-sample-seed"
      />
    </Space>
  );
}
