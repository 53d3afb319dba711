import { LockOutlined } from '@ant-design/icons';
import { Card, Col, Row, Table, Tag, Typography } from 'antd';
import type { TagDetail } from '../../api/tags.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The definition: its spec as JSON (read-only for built-in tags) and its version history. */
export function TagDefinition({ tag }: { tag: TagDetail }) {
  const { t } = useI18n();
  const versions = [...(tag.versions ?? [])].sort((a, b) => b.version - a.version);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card
          title={t('tags.spec')}
          extra={tag.builtin && <Tag icon={<LockOutlined />}>{t('tags.readOnlyBuiltin')}</Tag>}
          style={{ height: '100%' }}
        >
          <pre data-testid="tag-spec" style={styles.json} data-raw-key>
            {JSON.stringify(tag.spec, null, 2)}
          </pre>
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={t('tags.versions')} style={{ height: '100%' }}>
          <Table
            size="small"
            rowKey="version"
            pagination={false}
            dataSource={versions}
            data-testid="tag-versions"
            columns={[
              { title: t('tags.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
              { title: t('common.by'), dataIndex: 'created_by', render: (a: string) => actorName(a) },
              {
                title: t('common.at'),
                dataIndex: 'created_at',
                render: (at: string) => (
                  <Typography.Text type="secondary">{formatDateTime(at)}</Typography.Text>
                ),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

const styles = {
  json: {
    margin: 0,
    maxHeight: 420,
    overflow: 'auto',
    padding: 12,
    background: '#f7f8fa',
    border: '1px solid #eef0f3',
    borderRadius: 6,
    fontSize: 12.5,
    lineHeight: 1.55,
  },
} as const;
