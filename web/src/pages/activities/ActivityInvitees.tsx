import { QrcodeOutlined } from '@ant-design/icons';
import { Button, Card, Modal, Skeleton, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { CustomerNoLink } from '../../components/CustomerNoLink.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { activitiesApi, type Invitee } from './api.ts';

const PAGE = 20;

/** One invitee's check-in QR code (the server's SVG of the signed check-in URL) in a modal. */
function CheckInCodeModal({
  id,
  customerNo,
  onClose,
}: {
  id: number;
  customerNo: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const code = useLoad((signal) => activitiesApi.checkInCode(id, customerNo, signal), [id, customerNo]);
  return (
    <Modal open footer={null} onCancel={onClose} title={t('act.qr.title', { customer: customerNo })}>
      {code.error ? (
        <LoadError error={code.error} title={t('act.loadFailed')} onRetry={code.reload} />
      ) : !code.data ? (
        <Skeleton active />
      ) : (
        <div style={{ textAlign: 'center' }} data-testid="checkin-qr">
          {/* The server's SVG drawn as an image: nothing of it runs or styles the page. */}
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.data.svg)}`}
            alt={code.data.url}
            width={240}
            height={240}
            style={{ display: 'block', margin: '0 auto 12px' }}
            data-testid="checkin-qr-image"
          />
          <Typography.Paragraph type="secondary">{t('act.qr.help')}</Typography.Paragraph>
          <Typography.Text copyable={{ text: code.data.url }} style={{ fontSize: 12 }} data-raw-key>
            {code.data.url}
          </Typography.Text>
        </div>
      )}
    </Modal>
  );
}

/** The activity's invitees, a page at a time: masked names and phones, RSVP, check-in, source, each one's QR code. */
export function ActivityInvitees({ id, tick }: { id: number; tick: number }) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [qrFor, setQrFor] = useState<string | null>(null);
  const page = useLoad((signal) => activitiesApi.invitees(id, PAGE, offset, signal), [id, offset, tick]);
  return (
    <Card size="small" title={t('act.invitees')} data-testid="activity-invitees">
      {page.error ? (
        <LoadError error={page.error} title={t('act.loadFailed')} onRetry={page.reload} />
      ) : (
        <Table<Invitee>
          size="small"
          rowKey="customerNo"
          loading={page.loading}
          dataSource={page.data?.items ?? []}
          pagination={{
            pageSize: PAGE,
            total: page.data?.total ?? 0,
            current: offset / PAGE + 1,
            showSizeChanger: false,
            onChange: (p) => setOffset((p - 1) * PAGE),
          }}
          columns={[
            {
              title: t('act.invitee.customer'),
              dataIndex: 'customerNo',
              render: (no: string) => <CustomerNoLink no={no} />,
            },
            { title: t('act.invitee.name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
            { title: t('act.invitee.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
            {
              title: t('act.invitee.source'),
              render: (_, r) => (
                <>
                  {t(`act.source.${r.source}`)}
                  {r.control && (
                    <Tag style={{ marginLeft: 6 }} color="purple">
                      {t('act.invitee.control')}
                    </Tag>
                  )}
                </>
              ),
            },
            { title: t('act.invitee.rsvp'), render: (_, r) => t(`act.rsvp.${r.rsvp}`) },
            {
              title: t('act.invitee.checkedIn'),
              dataIndex: 'checkedInAt',
              render: (v: string | null) => (v ? formatDateTime(v) : '—'),
            },
            {
              title: t('act.invitee.qr'),
              render: (_, r) =>
                r.control ? null : (
                  <Button
                    size="small"
                    icon={<QrcodeOutlined />}
                    onClick={() => setQrFor(r.customerNo)}
                    data-testid={`invitee-qr-${r.customerNo}`}
                  />
                ),
            },
          ]}
        />
      )}
      {qrFor && <CheckInCodeModal id={id} customerNo={qrFor} onClose={() => setQrFor(null)} />}
    </Card>
  );
}
