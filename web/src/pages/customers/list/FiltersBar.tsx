import { Button, Input, Select, Space } from 'antd';
import { useState } from 'react';
import type { CustomerFilter } from '../../../api/customer-list.ts';
import { flattenUnits, POOL_TIERS, poolApi } from '../../../api/pool.ts';
import { segmentsApi } from '../../../api/segments.ts';
import { tagsApi } from '../../../api/tags.ts';
import { seesWholeBank, useMe } from '../../../auth/session.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { label } from '../../pool/labels.ts';
import { unitOptions } from '../../pool/assignment/directory.ts';
import { LIFECYCLE_STAGES } from './columns.tsx';

type Options = { value: string; label: string }[];

/** A filter of one value (searchable), or none. */
function OneOf(props: {
  placeholder: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  options: Options;
  testId: string;
}) {
  return (
    <Select
      allowClear
      showSearch
      optionFilterProp="label"
      style={{ minWidth: 180 }}
      placeholder={props.placeholder}
      value={props.value}
      onChange={props.onChange}
      options={props.options}
      data-testid={props.testId}
    />
  );
}

/** A filter of any of several values, kept comma-separated as the server reads it. */
function ManyOf(props: {
  placeholder: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  options: Options;
  testId: string;
  disabled?: boolean;
}) {
  return (
    <Select
      mode="multiple"
      allowClear
      disabled={props.disabled ?? false}
      style={{ minWidth: 170 }}
      placeholder={props.placeholder}
      value={props.value ? props.value.split(',') : []}
      onChange={(v: string[]) => props.onChange(v.length > 0 ? v.join(',') : undefined)}
      options={props.options}
      data-testid={props.testId}
    />
  );
}

/**
 * The list's filters: search, tier, lifecycle stage, account manager, branch, and — for roles that see the whole
 * bank, whose catalogue and groups these are — a tag value and a customer group. Each change gives a new filter.
 */
export function FiltersBar({
  filter,
  onChange,
}: {
  filter: CustomerFilter;
  onChange: (next: CustomerFilter) => void;
}) {
  const { t, lang } = useI18n();
  const me = useMe();
  const wholeBank = seesWholeBank(me);
  const [q, setQ] = useState(filter.q ?? '');
  const units = useLoad((signal) => poolApi.orgUnits(signal), []);
  const staff = useLoad((signal) => poolApi.staff({ role: 'account_manager' }, signal), []);
  const tags = useLoad((signal) => (wholeBank ? tagsApi.list(signal) : Promise.resolve(null)), [wholeBank]);
  const segments = useLoad(
    (signal) => (wholeBank ? segmentsApi.list(signal) : Promise.resolve(null)),
    [wholeBank],
  );
  const set = (patch: Partial<CustomerFilter>) => {
    const next: Record<string, unknown> = { ...filter, ...patch };
    for (const key of Object.keys(next)) if (next[key] === undefined || next[key] === '') delete next[key];
    onChange(next as CustomerFilter);
  };
  const tag = tags.data?.tags.find((x) => x.key === filter.tag);
  const filtered = Object.keys(filter).length > 0;

  return (
    <Space wrap size={8} data-testid="clist-filters">
      <Input.Search
        allowClear
        style={{ width: 360 }}
        placeholder={t('clist.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onSearch={(v) => set({ q: v.trim() || undefined })}
        data-testid="customer-search"
      />
      <ManyOf
        placeholder={t('clist.filter.tier')}
        value={filter.tier}
        onChange={(tier) => set({ tier })}
        options={POOL_TIERS.map((x) => ({ value: x, label: label(t, 'tier', x) }))}
        testId="clist-tier"
      />
      <ManyOf
        placeholder={t('clist.filter.stage')}
        value={filter.stage}
        onChange={(stage) => set({ stage })}
        options={LIFECYCLE_STAGES.map((x) => ({ value: x, label: label(t, 'clist.stage', x) }))}
        testId="clist-stage"
      />
      <OneOf
        placeholder={t('clist.filter.owner')}
        value={filter.managerId}
        onChange={(managerId) => set({ managerId })}
        options={(staff.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))}
        testId="clist-owner"
      />
      <OneOf
        placeholder={t('clist.filter.branch')}
        value={filter.orgUnitId}
        onChange={(orgUnitId) => set({ orgUnitId })}
        options={unitOptions(flattenUnits(units.data ?? []))}
        testId="clist-branch"
      />
      {tags.data && (
        <Space.Compact>
          <OneOf
            placeholder={t('clist.filter.tag')}
            value={filter.tag}
            onChange={(key) => set({ tag: key, tagValue: undefined })}
            options={tags.data.tags.map((x) => ({ value: x.key, label: pick(x.name, lang) }))}
            testId="clist-tag"
          />
          <ManyOf
            disabled={!tag}
            placeholder={t('clist.filter.tagValue')}
            value={filter.tagValue}
            onChange={(tagValue) => set({ tagValue })}
            options={(tag?.values ?? []).map((v) => ({
              value: v.value,
              label: pick(v.label, lang) || v.value,
            }))}
            testId="clist-tag-value"
          />
        </Space.Compact>
      )}
      {segments.data && (
        <OneOf
          placeholder={t('clist.filter.segment')}
          value={filter.segmentId}
          onChange={(segmentId) => set({ segmentId })}
          options={segments.data.segments.map((s) => ({ value: s.id, label: s.name }))}
          testId="clist-segment"
        />
      )}
      {filtered && (
        <Button
          onClick={() => {
            setQ('');
            onChange({});
          }}
          data-testid="clist-clear"
        >
          {t('clist.filter.clear')}
        </Button>
      )}
    </Space>
  );
}
