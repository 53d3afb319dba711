import { EyeOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import {
  customersApi,
  PII_FIELDS,
  type CustomerProfile,
  type Portrait,
  type PortraitTag,
} from '../../api/customers.ts';
import { can, useMe } from '../../auth/session.tsx';
import { formatCnyCompact, formatCnyFull } from '../../format.ts';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';

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
  // Personal fields in clear, once the user asked (the server audits each reveal); reset for another customer.
  const [clear, setClear] = useState<CustomerProfile['pii'] | null>(null);
  const [revealing, setRevealing] = useState(false);
  useEffect(() => setClear(null), [portrait.customerNo]);
  const reveal = async () => {
    setRevealing(true);
    try {
      setClear((await customersApi.profile(portrait.customerNo, undefined, PII_FIELDS)).pii);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setRevealing(false);
    }
  };
  const pii = clear ?? profile?.pii;
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
            children: <span data-testid="customer-name">{pii?.name ?? '—'}</span>,
          },
          {
            key: 'phone',
            label: t('customers.phone'),
            children: <span data-testid="customer-phone">{pii?.phone ?? '—'}</span>,
          },
          {
            key: 'idNumber',
            label: t('c360.idNumber'),
            children: <span data-testid="customer-id-number">{pii?.id_number ?? '—'}</span>,
          },
          { key: 'email', label: t('c360.email'), children: pii?.email ?? '—' },
          { key: 'birth', label: t('attr.birth_date'), children: pii?.birth_date ?? '—' },
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
        profile &&
        (clear ? (
          <Tag color="orange" data-testid="pii-revealed">
            {t('c360.revealed')}
          </Tag>
        ) : (
          can(me, 'customers.reveal_pii') && (
            <Button
              size="small"
              icon={<EyeOutlined />}
              loading={revealing}
              onClick={reveal}
              data-testid="pii-reveal"
            >
              {t('c360.reveal')}
            </Button>
          )
        ))
      }
    >
      <Descriptions column={{ xs: 1, md: 2, xl: 4 }} items={items} />
      {!profile && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('customers.profileUnavailable')}
        </Typography.Text>
      )}
    </Card>
  );
}
