import { App, Button, Card, Input, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { useLoad } from '../../components/useLoad.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { contentApi, policyApi, type DoNotContact } from './api.ts';

/** The bank's sensitive words, editable by admins. */
export function SensitiveWordsCard({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const loaded = useLoad((signal) => contentApi.words(signal), []);
  const [words, setWords] = useState<string[]>([]);
  useEffect(() => setWords(loaded.data?.words ?? []), [loaded.data]);
  const save = async () => {
    try {
      await contentApi.saveWords(words);
      message.success(t('cmp.saved'));
      loaded.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <Card title={t('policy.words')} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">
        {t('policy.wordsHelp')} {loaded.data?.isDefault ? t('policy.wordsDefault') : ''}
      </Typography.Paragraph>
      <Select
        mode="tags"
        value={words}
        disabled={!admin}
        onChange={setWords}
        style={{ width: '100%' }}
        data-testid="policy-words"
      />
      {admin && (
        <Button onClick={save} style={{ marginTop: 12 }} data-testid="policy-words-save">
          {t('policy.saveWords')}
        </Button>
      )}
    </Card>
  );
}

/** The do-not-contact list: customers by number (names masked), with why; admins add and remove. */
export function DoNotContactCard() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const list = useLoad((signal) => policyApi.doNotContact({ limit: 50, offset: 0 }, signal), [tick]);
  const [customerNo, setCustomerNo] = useState('');
  const [reason, setReason] = useState('');
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setTick((n) => n + 1);
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <Card title={t('policy.dnc')} style={{ marginTop: 16 }}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          value={customerNo}
          onChange={(e) => setCustomerNo(e.target.value.trim())}
          placeholder={t('policy.dncCustomer')}
          data-testid="dnc-customer"
        />
        <Input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('policy.dncReason')}
          data-testid="dnc-reason"
        />
        <Button
          disabled={!customerNo || !reason}
          onClick={() =>
            act(() => policyApi.block(customerNo, reason)).then(() => (setCustomerNo(''), setReason('')))
          }
          data-testid="dnc-add"
        >
          {t('policy.dncAdd')}
        </Button>
      </Space>
      <Table<DoNotContact>
        size="small"
        rowKey="customerNo"
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('policy.dncEmpty') }}
        pagination={false}
        data-testid="dnc-table"
        columns={[
          { title: t('policy.dncCustomer'), dataIndex: 'customerNo' },
          { title: '', dataIndex: 'name', render: (n: string | null) => n ?? '' },
          { title: t('policy.dncReason'), dataIndex: 'reason' },
          { title: t('content.col.author'), dataIndex: 'addedBy', render: actorName },
          { title: t('detail.col.at'), dataIndex: 'addedAt', render: formatDateTime },
          {
            title: '',
            key: 'rm',
            render: (_: unknown, row) => (
              <Button size="small" onClick={() => act(() => policyApi.unblock(row.customerNo))}>
                {t('policy.dncRemove')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
