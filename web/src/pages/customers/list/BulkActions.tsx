import { DownOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  DatePicker,
  Dropdown,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { errorText } from '../../../api/client.ts';
import {
  customerListApi,
  type BulkBody,
  type BulkOutcome,
  type CustomerFilter,
  type CustomerSort,
} from '../../../api/customer-list.ts';
import { poolApi } from '../../../api/pool.ts';
import { can, useMe } from '../../../auth/session.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { managerOption } from '../../pool/assignment/directory.ts';
import { label } from '../../pool/labels.ts';

type Kind = 'assign' | 'task' | 'list' | 'send';

/** The bulk action menu: each action the role may take, on the picked rows or on everyone the filter selects. */
export function BulkActions({
  target,
  count,
  filter,
  sort,
  order,
  onDone,
}: {
  target: BulkBody['target'] | null;
  count: number;
  filter: CustomerFilter;
  sort: CustomerSort;
  order: 'asc' | 'desc';
  onDone: () => void;
}) {
  const { t, lang } = useI18n();
  const me = useMe();
  const [open, setOpen] = useState<Kind | null>(null);
  const items = [
    can(me, 'pool.assign') && { key: 'assign', label: t('clist.bulk.assign') },
    can(me, 'customers.write') && { key: 'task', label: t('clist.bulk.task') },
    can(me, 'segments.manage') && { key: 'list', label: t('clist.bulk.list') },
    can(me, 'segments.manage') && can(me, 'campaigns.write') && { key: 'send', label: t('clist.bulk.send') },
    // A CSV of the picked rows would need their numbers in the link; the export is of the filtered list.
    can(me, 'customers.export') &&
      target &&
      'filter' in target && { key: 'export', label: t('clist.bulk.export') },
  ].filter((x): x is { key: string; label: string } => Boolean(x));
  return (
    <>
      <Dropdown
        disabled={!target || items.length === 0}
        menu={{
          items: items.map((i) => ({ ...i, 'data-testid': `clist-bulk-${i.key}` })),
          onClick: ({ key }) => {
            if (key === 'export') window.location.assign(customerListApi.exportUrl(filter, sort, order));
            else setOpen(key as Kind);
          },
        }}
      >
        <Button type="primary" data-testid="clist-bulk">
          <Space>
            {t('clist.bulk')}
            <DownOutlined />
          </Space>
        </Button>
      </Dropdown>
      {open && target && (
        <BulkModal
          kind={open}
          target={target}
          count={count}
          onClose={(changed) => {
            setOpen(null);
            if (changed) onDone();
          }}
          format={(n) => formatInteger(n, lang)}
        />
      )}
    </>
  );
}

function BulkModal({
  kind,
  target,
  count,
  onClose,
  format,
}: {
  kind: Kind;
  target: BulkBody['target'];
  count: number;
  onClose: (changed: boolean) => void;
  format: (n: number) => string;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  const managers = useLoad(
    (signal) =>
      kind === 'assign' ? poolApi.staff({ role: 'account_manager' }, signal) : Promise.resolve([]),
    [kind],
  );
  const title = t(kind === 'send' ? 'clist.bulk.send' : `clist.bulk.${kind}`);

  const run = async () => {
    const v = (await form.validateFields()) as {
      managerId?: string;
      reason?: string;
      title?: string;
      dueOn?: Dayjs | null;
      name?: string;
    };
    const action: BulkBody['action'] =
      kind === 'assign'
        ? { kind: 'assign', managerId: v.managerId ?? null, reason: v.reason?.trim() || null }
        : kind === 'task'
          ? { kind: 'task', title: v.title ?? '', dueOn: v.dueOn ? v.dueOn.format('YYYY-MM-DD') : null }
          : { kind: 'list', name: v.name ?? '' };
    setBusy(true);
    setFailure(null);
    try {
      const result = await customerListApi.bulk({ target, action });
      if (kind === 'send' && result.listId) {
        navigate(`/campaigns/new?list=${encodeURIComponent(result.listId)}`);
        return;
      }
      setOutcome(result);
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      onCancel={() => onClose(outcome !== null)}
      footer={
        outcome ? (
          <Button type="primary" onClick={() => onClose(true)} data-testid="clist-bulk-close">
            {t('clist.bulk.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={() => onClose(false)}>{t('clist.bulk.cancel')}</Button>
            <Button type="primary" loading={busy} onClick={() => void run()} data-testid="clist-bulk-run">
              {t('clist.bulk.run')}
            </Button>
          </Space>
        )
      }
    >
      <Typography.Paragraph type="secondary">
        {t('clist.bulk.target', { n: format(count) })}
      </Typography.Paragraph>
      {outcome ? (
        <OutcomeView outcome={outcome} format={format} />
      ) : (
        <Form form={form} layout="vertical">
          {kind === 'assign' && (
            <>
              <Form.Item
                name="managerId"
                label={t('clist.bulk.manager')}
                rules={[{ required: true, message: t('clist.bulk.managerRequired') }]}
              >
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={(managers.data ?? [])
                    .filter((s) => s.status === 'active')
                    .map((s) => managerOption(s, format))}
                  data-testid="clist-bulk-manager"
                />
              </Form.Item>
              <Form.Item name="reason" label={t('clist.bulk.reason')}>
                <Input maxLength={500} />
              </Form.Item>
            </>
          )}
          {kind === 'task' && (
            <>
              <Form.Item
                name="title"
                label={t('clist.bulk.title')}
                rules={[{ required: true, whitespace: true, message: t('clist.bulk.titleRequired') }]}
              >
                <Input maxLength={200} data-testid="clist-bulk-title" />
              </Form.Item>
              <Form.Item name="dueOn" label={t('clist.bulk.dueOn')}>
                <DatePicker />
              </Form.Item>
            </>
          )}
          {(kind === 'list' || kind === 'send') && (
            <Form.Item
              name="name"
              label={t('clist.bulk.listName')}
              extra={kind === 'send' ? t('clist.bulk.sendHint') : undefined}
              rules={[{ required: true, whitespace: true, message: t('clist.bulk.listNameRequired') }]}
            >
              <Input maxLength={200} data-testid="clist-bulk-list-name" />
            </Form.Item>
          )}
          {failure && <Alert type="error" showIcon message={t('clist.bulk.failed')} description={failure} />}
        </Form>
      )}
    </Modal>
  );
}

/** How many were done and refused, refusals by reason in words, and the first refused customers. */
function OutcomeView({ outcome, format }: { outcome: BulkOutcome; format: (n: number) => string }) {
  const { t } = useI18n();
  const reasons = Object.entries(outcome.reasons).map(([reason, n]) => ({ reason, n }));
  return (
    <div data-testid="clist-bulk-outcome" data-done={outcome.done} data-refused={outcome.refused}>
      <Alert
        type={outcome.refused === 0 ? 'success' : 'warning'}
        showIcon
        message={t('clist.result.summary', {
          done: format(outcome.done),
          matched: format(outcome.matched),
          refused: format(outcome.refused),
        })}
        style={{ marginBottom: 12 }}
      />
      {reasons.length > 0 && (
        <Table
          size="small"
          rowKey="reason"
          pagination={false}
          dataSource={reasons}
          columns={[
            {
              title: t('clist.result.reason'),
              dataIndex: 'reason',
              render: (r: string) => label(t, 'clist.reason', r),
            },
            {
              title: t('clist.result.count'),
              dataIndex: 'n',
              align: 'right',
              render: (n: number) => format(n),
            },
          ]}
        />
      )}
      {outcome.refusedCustomers.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('clist.result.firstRefused')}:{' '}
          {outcome.refusedCustomers
            .slice(0, 10)
            .map((c) => c.customerNo)
            .join(', ')}
        </Typography.Paragraph>
      )}
    </div>
  );
}
