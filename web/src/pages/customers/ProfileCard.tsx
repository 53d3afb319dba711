import { EyeOutlined } from '@ant-design/icons';
import { App, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import {
  customersApi,
  type CustomerProfile,
  type PiiField,
  type Portrait,
  type PortraitTag,
} from '../../api/customers.ts';
import { IconAction } from '../../components/IconAction.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { can, useMe } from '../../auth/session.tsx';
import { formatCnyCompact, formatCnyFull } from '../../format.ts';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';

// The label of each personal field, and the reasons a reveal may give (the audit log keeps the one chosen).
const PII_LABELS: Record<PiiField, MessageKey> = {
  name: 'customers.name',
  phone: 'customers.phone',
  id_number: 'c360.idNumber',
  email: 'c360.email',
  birth_date: 'attr.birth_date',
};
const REVEAL_REASONS: readonly MessageKey[] = [
  'care.reveal.reason.call_back',
  'care.reveal.reason.verify_identity',
  'care.reveal.reason.customer_request',
  'care.reveal.reason.service_case',
];

// Tags whose value sums the customer up, shown with the profile when present.
const HEADLINE_TAGS = ['aum_tier', 'lifecycle_stage', 'rfm_group', 'channel_preference'];

/**
 * Basic information: the masked profile (GET /v1/customers/:customerNo) when the user's data scope includes the
 * customer, and the headline tags of the portrait.
 */
export function ProfileCard({ portrait, profile }: { portrait: Portrait; profile: CustomerProfile | null }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const me = useMe();
  const { message } = App.useApp();
  // Personal fields in clear, each once the user asked for it with a reason (the server audits each reveal); reset
  // for another customer.
  const [clear, setClear] = useState<Partial<Record<PiiField, string | null>>>({});
  const [asking, setAsking] = useState<PiiField | null>(null);
  useEffect(() => setClear({}), [portrait.customerNo]);
  const reveal = async (reason: string) => {
    const field = asking;
    if (!field) return;
    try {
      const answer = await customersApi.profile(portrait.customerNo, undefined, [field], reason);
      setClear((c) => ({ ...c, [field]: answer.pii[field] }));
      setAsking(null);
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const revealable = profile !== null && can(me, 'customers.reveal_pii');
  const shown = (field: PiiField, testId?: string) => {
    const value = field in clear ? clear[field] : profile?.pii[field];
    return (
      <Space size={4}>
        <span data-testid={testId}>{value ?? '—'}</span>
        {revealable && !(field in clear) && value !== null && value !== undefined && (
          <IconAction
            size="small"
            title={t('care.reveal.title', { field: t(PII_LABELS[field]) })}
            icon={<EyeOutlined />}
            testId={`pii-reveal-${field}`}
            onClick={() => setAsking(field)}
          />
        )}
      </Space>
    );
  };
  const headline = HEADLINE_TAGS.map((key) => portrait.tags.find((x) => x.key === key)).filter(
    (x): x is PortraitTag => x !== undefined,
  );
  const gender =
    profile?.gender === 'M' ? t('customers.male') : profile?.gender === 'F' ? t('customers.female') : null;
  const items = [
    {
      key: 'no',
      label: t('customers.customerNo'),
      children: <span data-testid="customer-no">{portrait.customerNo}</span>,
    },
    ...(profile
      ? [
          {
            key: 'name',
            label: t('customers.name'),
            children: shown('name', 'customer-name'),
          },
          {
            key: 'phone',
            label: t('customers.phone'),
            children: shown('phone', 'customer-phone'),
          },
          {
            key: 'idNumber',
            label: t('c360.idNumber'),
            children: shown('id_number', 'customer-id-number'),
          },
          { key: 'email', label: t('c360.email'), children: shown('email', 'customer-email') },
          { key: 'birth', label: t('attr.birth_date'), children: shown('birth_date', 'customer-birth-date') },
          { key: 'gender', label: t('customers.gender'), children: gender ?? '—' },
          { key: 'city', label: t('customers.city'), children: profile.city ?? '—' },
          { key: 'branch', label: t('customers.branch'), children: profile.orgUnit?.name ?? '—' },
          {
            key: 'owner',
            label: t('customers.owner'),
            children: profile.owner?.name ?? t('customers.noOwner'),
          },
          { key: 'since', label: t('customers.since'), children: profile.customerSince ?? '—' },
          {
            key: 'aum',
            label: t('overview.tierAum'),
            children: (
              <span
                data-testid="customer-aum"
                data-value={String(profile.aum)}
                title={formatCnyFull(profile.aum, lang)}
              >
                {formatCnyCompact(profile.aum, lang)}
              </span>
            ),
          },
        ]
      : []),
    ...headline.map((tag) => ({
      key: tag.key,
      label: dictionary.nameOr('tag', tag.key, tag.name),
      children: (
        <strong data-testid={`customer-headline-${tag.key}`}>{pick(tag.label, lang) || tag.value}</strong>
      ),
    })),
    { key: 'asOf', label: t('customers.tagsAsOf'), children: portrait.asOf ?? t('tags.neverComputed') },
  ];
  return (
    <Card
      title={t('customers.profile')}
      data-testid="customer-profile"
      extra={
        Object.keys(clear).length > 0 && (
          <Tag color="orange" data-testid="pii-revealed">
            {t('c360.revealed')}
          </Tag>
        )
      }
    >
      <ReasonDialog
        open={asking !== null}
        title={t('care.reveal.title', { field: asking ? t(PII_LABELS[asking]) : '' })}
        reasonLabel={t('care.reveal.reasonLabel')}
        reasons={REVEAL_REASONS}
        detailLabel={t('care.reveal.detail')}
        required={t('care.reveal.required')}
        okText={t('care.reveal.ok')}
        hint={t('care.reveal.only')}
        testId="reveal-dialog"
        onCancel={() => setAsking(null)}
        onConfirm={reveal}
      />
      <Descriptions column={{ xs: 1, md: 2, xl: 4 }} items={items} />
      {!profile && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('customers.profileUnavailable')}
        </Typography.Text>
      )}
    </Card>
  );
}
