import { App, Card, Select, Table, Typography } from 'antd';
import { errorText } from '../../api/client.ts';
import { useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import type { MessageKey } from '../../i18n/en-US.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { contentApi, type Product, type ProductRole } from './api.ts';
import { PRODUCT_ROLES, productRoleKey } from './labels.ts';

const NONE = 'none';

/** The bank's products with their roles; head office (products.write) changes a role in place. */
export function ProductList() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const editor = me.permissions.includes('products.write');
  const products = useLoad((signal) => contentApi.products(signal), []);
  const change = async (p: Product, value: string) => {
    try {
      const saved = await contentApi.setProductRole(p.id, value === NONE ? null : (value as ProductRole));
      message.success(t('product.saved', { name: saved.name, role: t(productRoleKey(saved.role)) }));
      products.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const options = [...PRODUCT_ROLES, NONE].map((role) => ({
    value: role,
    label: t(productRoleKey(role === NONE ? null : role)),
  }));
  return (
    <>
      <PageHeader title={t('product.title')} subtitle={t('product.subtitle')} />
      {products.error ? (
        <LoadError error={products.error} title={t('cmp.loadFailed')} onRetry={products.reload} />
      ) : null}
      <Card>
        {!editor && (
          <Typography.Paragraph type="secondary" data-testid="product-read-only">
            {t('product.readOnly')}
          </Typography.Paragraph>
        )}
        <Table<Product>
          rowKey="id"
          loading={products.loading}
          dataSource={products.data ?? []}
          locale={{ emptyText: t('product.empty') }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="product-table"
          columns={[
            { title: t('product.col.id'), dataIndex: 'id' },
            { title: t('product.col.name'), dataIndex: 'name' },
            {
              title: t('product.col.category'),
              dataIndex: 'category',
              render: (c: string) => t(`holding.${c}` as MessageKey),
            },
            {
              title: t('product.col.role'),
              dataIndex: 'role',
              render: (role: ProductRole | null, row) =>
                editor ? (
                  <Select
                    value={role ?? NONE}
                    options={options}
                    onChange={(value: string) => void change(row, value)}
                    style={{ minWidth: 140 }}
                    data-testid={`product-role-${row.id}`}
                  />
                ) : (
                  t(productRoleKey(role))
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}
