import { Alert, Card, Descriptions, Empty, Input, List, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import type { ContentPreview } from './api.ts';
import type { Problem } from './issues.ts';
import { fieldKey, variantKey } from './labels.ts';

/** The draft rendered for a real (masked) customer, or the located problems that keep it from rendering. */
export function ContentPreviewCard(props: {
  preview: ContentPreview | null;
  problems: readonly Problem[];
  customerNo: string;
  onCustomerNo: (value: string) => void;
}) {
  const { t } = useI18n();
  const { preview, problems } = props;
  return (
    <Card title={t('content.preview.title')} size="small" data-testid="content-preview">
      <Input
        value={props.customerNo}
        onChange={(e) => props.onCustomerNo(e.target.value.trim())}
        placeholder={t('content.preview.customer')}
        style={{ marginBottom: 12 }}
        data-testid="preview-customer"
      />
      {problems.length > 0 ? (
        <Alert
          type="error"
          showIcon
          title={t('content.form.problems')}
          data-testid="content-problems"
          description={
            <List
              size="small"
              dataSource={[...problems]}
              renderItem={(p) => (
                <List.Item data-testid="content-problem">
                  {p.line > 0
                    ? t('content.form.problemAt', {
                        where: p.where,
                        line: p.line,
                        column: p.column,
                        message: p.message,
                      })
                    : [p.where, p.message].filter(Boolean).join(': ')}
                </List.Item>
              )}
            />
          }
        />
      ) : preview ? (
        <>
          <Typography.Text type="secondary">
            {t('content.preview.for', {
              customer: `${preview.customer.customerNo} ${preview.customer.name ?? ''}`,
              tier: preview.customer.tier ? t(`tier.${preview.customer.tier}` as MessageKey) : t('cmp.none'),
            })}
          </Typography.Text>
          {preview.variants.map((v) => (
            <Descriptions
              key={v.variant}
              size="small"
              column={1}
              bordered
              title={t(variantKey(v.variant))}
              style={{ marginTop: 12 }}
              data-testid={`preview-${v.variant}`}
            >
              {v.to ? <Descriptions.Item label={t('detail.col.to')}>{v.to}</Descriptions.Item> : null}
              {Object.entries(v.fields).map(([field, text]) => (
                <Descriptions.Item key={field} label={t(fieldKey(field))}>
                  <span style={{ whiteSpace: 'pre-wrap' }} data-testid={`preview-${v.variant}-${field}`}>
                    {text}
                  </span>
                </Descriptions.Item>
              ))}
            </Descriptions>
          ))}
        </>
      ) : (
        <Empty description={t('content.preview.failed')} />
      )}
    </Card>
  );
}
