import { Card, Descriptions, Tag, Timeline, Typography } from 'antd';
import type { CustomerProfile } from '../../api/customers.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { label } from '../pool/labels.ts';

/** Who owns the customer (and who assists), and every ownership change. */
export function OwnerCard({ profile }: { profile: CustomerProfile }) {
  const { t } = useI18n();
  const { displayName } = useDictionary();
  const owner = profile.owner;
  return (
    <Card size="small" title={t('c360.owner')} style={{ height: '100%' }} data-testid="customer-owner">
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'owner',
            label: t('customers.owner'),
            children: owner ? (
              <span data-testid="customer-owner-id" data-value={owner.managerId}>
                {owner.name}
              </span>
            ) : (
              t('customers.noOwner')
            ),
          },
          ...(owner
            ? [
                {
                  key: 'since',
                  label: t('c360.ownerSince'),
                  children: owner.since ? formatDateTime(owner.since) : '—',
                },
                {
                  key: 'source',
                  label: t('c360.ownerSource'),
                  children: label(t, 'c360.source', owner.source),
                },
                ...(owner.handoverStatus
                  ? [
                      {
                        key: 'handover',
                        label: t('pool.myPool.handover'),
                        children: <Tag>{label(t, 'pool.handoverStatus', owner.handoverStatus)}</Tag>,
                      },
                    ]
                  : []),
              ]
            : []),
          {
            key: 'assistants',
            label: t('c360.assistants'),
            children: profile.assistants.length ? profile.assistants.map((a) => a.name).join(', ') : '—',
          },
          {
            key: 'lastContact',
            label: t('pool.myPool.lastContact'),
            children: profile.lastContactAt ? formatDateTime(profile.lastContactAt) : t('pool.myPool.never'),
          },
        ]}
      />
      <Typography.Text strong style={{ display: 'block', margin: '8px 0' }}>
        {t('c360.history')}
      </Typography.Text>
      {profile.ownershipHistory.length === 0 ? (
        <Typography.Text type="secondary">—</Typography.Text>
      ) : (
        <Timeline
          data-testid="ownership-history"
          items={profile.ownershipHistory.map((h, i) => ({
            key: i,
            content: (
              <div>
                <div>
                  <Tag>{label(t, 'c360.kind', h.kind)}</Tag>
                  {h.fromName ?? h.from ?? '—'} → {h.toName ?? h.to ?? '—'}
                  {h.jobId !== null && <Typography.Text type="secondary"> · #{h.jobId}</Typography.Text>}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {h.at ? formatDateTime(h.at) : ''}
                  {h.reasonCode === 'adopted_from_attribute'
                    ? ` · ${t('c360.adoptedFromAttribute', { attribute: displayName('attribute', 'account_manager_id') })}`
                    : h.reason
                      ? ` · ${h.reason}`
                      : ''}
                </Typography.Text>
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}
