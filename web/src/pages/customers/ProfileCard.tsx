import { Card, Descriptions, Typography } from 'antd';
import type { CustomerProfile, Portrait, PortraitTag } from '../../api/customers.ts';
import { formatCnyCompact, formatCnyFull } from '../../format.ts';
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
            children: <span data-testid="customer-name">{profile.pii.name ?? '—'}</span>,
          },
          { key: 'phone', label: t('customers.phone'), children: profile.pii.phone ?? '—' },
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
      label: pick(tag.name, lang),
      children: (
        <strong data-testid={`customer-headline-${tag.key}`}>{pick(tag.label, lang) || tag.value}</strong>
      ),
    })),
    { key: 'asOf', label: t('customers.tagsAsOf'), children: portrait.asOf ?? t('tags.neverComputed') },
  ];
  return (
    <Card title={t('customers.profile')} data-testid="customer-profile">
      <Descriptions column={{ xs: 1, md: 2, xl: 4 }} items={items} />
      {!profile && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('customers.profileUnavailable')}
        </Typography.Text>
      )}
    </Card>
  );
}
