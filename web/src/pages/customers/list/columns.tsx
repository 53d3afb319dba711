import { Tag, Tooltip, Typography } from 'antd';
import type { TableColumnType } from 'antd';
import type { CustomerRow, CustomerSort } from '../../../api/customer-list.ts';
import { formatCnyCompact, formatCnyFull, formatDateTime } from '../../../format.ts';
import type { Lang, Translate } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { label, TIER_TAG_COLORS } from '../../pool/labels.ts';

/** The seven lifecycle stages, furthest first (the `lifecycle_stage` tag's values, src/tags/catalogue-rules.ts). */
export const LIFECYCLE_STAGES = [
  'super_customer',
  'repeat_purchase',
  'transaction',
  'demand',
  'interested',
  'reached',
  'portrait',
] as const;

/** Columns the user may show or hide, in display order. */
export const COLUMN_KEYS = [
  'customerNo',
  'name',
  'phone',
  'tier',
  'stage',
  'aum',
  'branch',
  'owner',
  'ownerSince',
  'lastContact',
  'wecom',
  'tags',
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];
/** Shown until the user chooses: all but these. */
const HIDDEN_BY_DEFAULT: ReadonlySet<ColumnKey> = new Set(['ownerSince', 'wecom', 'tags']);
export const DEFAULT_COLUMNS = COLUMN_KEYS.filter((k) => !HIDDEN_BY_DEFAULT.has(k));

const STORAGE_KEY = 'flywheel.customerList.columns';

/** The columns the user chose last time (this browser), else the defaults. */
export function readColumns(): ColumnKey[] {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (Array.isArray(parsed)) {
      const keys = COLUMN_KEYS.filter((k) => parsed.includes(k));
      if (keys.length > 0) return keys;
    }
  } catch {
    // Unreadable: the defaults.
  }
  return [...DEFAULT_COLUMNS];
}

/** Remembers the chosen columns in this browser. */
export function saveColumns(keys: readonly ColumnKey[]): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
  } catch {
    // Not remembered; the choice still applies now.
  }
}

type Row = CustomerRow;
type RowTag = Row['tags'][number];

/** What a row's tags show: the values a customer has (a yes/no tag by its name), tier and stage having columns. */
function heldTags(tags: readonly RowTag[], lang: Lang): string[] {
  return tags
    .filter(
      (x) => x.key !== 'aum_tier' && x.key !== 'lifecycle_stage' && x.value !== 'no' && x.value !== 'none',
    )
    .map((x) => (x.value === 'yes' ? pick(x.name, lang) : pick(x.label, lang) || x.value));
}

/** The table's column definitions by key; `sortOrder` says which one the list is sorted by. */
export function columnsOf(
  t: Translate,
  lang: Lang,
  sortOrder: (key: CustomerSort) => 'ascend' | 'descend' | null,
): Record<ColumnKey, TableColumnType<Row>> {
  return {
    customerNo: {
      title: t('clist.col.customerNo'),
      key: 'customer_no',
      dataIndex: 'customerNo',
      sorter: true,
      sortOrder: sortOrder('customer_no'),
      render: (no: string) => <Typography.Link>{no}</Typography.Link>,
    },
    name: { title: t('clist.col.name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
    phone: { title: t('clist.col.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
    tier: {
      title: t('clist.col.tier'),
      dataIndex: 'tier',
      render: (tier: string | null) => (
        <Tag color={TIER_TAG_COLORS[tier ?? ''] ?? 'default'}>{label(t, 'tier', tier ?? 'unknown')}</Tag>
      ),
    },
    stage: {
      title: t('clist.col.stage'),
      key: 'stage',
      render: (_: unknown, row) => {
        const stage = row.tags.find((x) => x.key === 'lifecycle_stage');
        return stage ? pick(stage.label, lang) || label(t, 'clist.stage', stage.value) : '—';
      },
    },
    aum: {
      title: t('clist.col.aum'),
      key: 'aum',
      dataIndex: 'aum',
      align: 'right',
      sorter: true,
      sortOrder: sortOrder('aum'),
      render: (aum: number) => <span title={formatCnyFull(aum, lang)}>{formatCnyCompact(aum, lang)}</span>,
    },
    branch: {
      title: t('clist.col.branch'),
      dataIndex: 'orgUnitName',
      render: (v: string | null) => v ?? '—',
    },
    owner: {
      title: t('clist.col.owner'),
      dataIndex: 'managerName',
      render: (v: string | null) => v ?? t('clist.none'),
    },
    ownerSince: {
      title: t('clist.col.ownerSince'),
      key: 'owner_since',
      dataIndex: 'ownerSince',
      sorter: true,
      sortOrder: sortOrder('owner_since'),
      render: (at: string | null) => (at ? at.slice(0, 10) : '—'),
    },
    lastContact: {
      title: t('clist.col.lastContact'),
      key: 'last_contact',
      dataIndex: 'lastContactAt',
      sorter: true,
      sortOrder: sortOrder('last_contact'),
      render: (at: string | null) => (at ? formatDateTime(at) : t('clist.never')),
    },
    wecom: {
      title: t('clist.col.wecom'),
      dataIndex: 'wecomFriend',
      render: (v: boolean) => (v ? t('clist.yes') : t('clist.no')),
    },
    tags: {
      title: t('clist.col.tags'),
      key: 'tags',
      render: (_: unknown, row) => {
        const held = heldTags(row.tags, lang);
        return (
          <Tooltip title={held.slice(3).join(' · ') || undefined}>
            {held.slice(0, 3).map((x) => (
              <Tag key={x}>{x}</Tag>
            ))}
            {held.length > 3 && <Tag>+{held.length - 3}</Tag>}
          </Tooltip>
        );
      },
    },
  };
}
