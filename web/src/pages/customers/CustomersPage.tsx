import { ArrowLeftOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Input, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../router.ts';
import { CustomerListPage } from './list/CustomerListPage.tsx';
import { PortraitView } from './PortraitView.tsx';

const RECENT_KEY = 'flywheel.recentCustomers';

function readRecent(): string[] {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string').slice(0, 6) : [];
  } catch {
    return [];
  }
}

/** Customers: the list at /customers; a customer's 360 (profile and label portrait) at /customers/<number>. */
export default function CustomersPage() {
  const [customerNo] = subPath(usePath(), '/customers');
  return customerNo ? <Customer360Page customerNo={customerNo} /> : <CustomerListPage />;
}

/** Customer 360 with a lookup by customer number and the customers looked at last. */
function Customer360Page({ customerNo }: { customerNo: string }) {
  const { t } = useI18n();
  const [query, setQuery] = useState(customerNo);
  const [recent, setRecent] = useState<string[]>(readRecent);

  useEffect(() => {
    setQuery(customerNo);
  }, [customerNo]);

  const search = (value: string) => {
    const no = value.trim();
    if (!no) return;
    navigate(`/customers/${encodeURIComponent(no)}`);
  };
  const remember = (no: string) => {
    const next = [no, ...recent.filter((r) => r !== no)].slice(0, 6);
    setRecent(next);
    try {
      window.localStorage.setItem(RECENT_KEY, JSON.stringify(next));
    } catch {
      // Not remembered; the search still works.
    }
  };

  return (
    <div data-testid="customers">
      <PageHeader
        title={t('customers.title')}
        subtitle={t('customers.subtitle')}
        extra={
          <Button
            icon={<ArrowLeftOutlined />}
            onClick={() => navigate('/customers')}
            data-testid="clist-back"
          >
            {t('clist.back')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          <Input.Search
            size="large"
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('customers.searchPlaceholder')}
            enterButton={t('customers.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onSearch={search}
            style={{ maxWidth: 560 }}
            data-testid="customer-search"
          />
          {recent.length > 0 && (
            <Space size={4} wrap>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('customers.recent')}
              </Typography.Text>
              {recent.map((no) => (
                <Tag key={no} style={{ cursor: 'pointer' }} onClick={() => search(no)}>
                  {no}
                </Tag>
              ))}
            </Space>
          )}
        </Space>
      </Card>
      <PortraitView customerNo={customerNo} onFound={remember} />
    </div>
  );
}
