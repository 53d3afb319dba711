import {
  BarChartOutlined,
  CloudDownloadOutlined,
  CopyOutlined,
  DatabaseOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import type { Materialized, Segment } from '../../../api/segments.ts';
import { segmentsApi } from '../../../api/segments.ts';
import { errorText } from '../../../api/client.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';

/** Name and description, and what can be done with the rule: save, materialise, export, analyse. */
export function SaveCard(props: {
  saved: Segment | null;
  name: string;
  description: string;
  onName: (v: string) => void;
  onDescription: (v: string) => void;
  dirty: boolean;
  canSave: boolean;
  saving: boolean;
  saveError: string | null;
  onSave: (asNew: boolean) => void;
  onAnalyse: () => void;
  definer: boolean;
  exporter: boolean;
}) {
  const { t, lang } = useI18n();
  const { saved } = props;
  const [materializing, setMaterializing] = useState(false);
  const [materialized, setMaterialized] = useState<Materialized | null>(null);
  const [materializeError, setMaterializeError] = useState<string | null>(null);

  const materialize = async () => {
    if (!saved) return;
    setMaterializing(true);
    setMaterializeError(null);
    try {
      setMaterialized(await segmentsApi.materialize(saved.id));
    } catch (e) {
      setMaterializeError(errorText(e));
    } finally {
      setMaterializing(false);
    }
  };

  return (
    <Card
      size="small"
      title={saved ? t('builder.savedTitle', { version: saved.version }) : t('builder.saveTitle')}
    >
      <Form layout="vertical" requiredMark={false}>
        <Form.Item label={t('builder.name')} required style={{ marginBottom: 12 }}>
          <Input
            value={props.name}
            onChange={(e) => props.onName(e.target.value)}
            maxLength={200}
            data-testid="segment-name"
            disabled={!props.definer}
          />
        </Form.Item>
        <Form.Item label={t('builder.description')} style={{ marginBottom: 12 }}>
          <Input.TextArea
            value={props.description}
            onChange={(e) => props.onDescription(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 5 }}
            data-testid="segment-description"
            disabled={!props.definer}
          />
        </Form.Item>
      </Form>
      {props.saveError && (
        <Alert
          type="error"
          showIcon
          title={t('builder.saveFailed')}
          description={props.saveError}
          style={{ marginBottom: 12 }}
          data-testid="segment-save-error"
        />
      )}
      {props.definer && (
        <Space wrap>
          <Button
            type="primary"
            icon={<SaveOutlined />}
            onClick={() => props.onSave(false)}
            loading={props.saving}
            disabled={!props.canSave || (saved !== null && !props.dirty)}
            data-testid="segment-save"
          >
            {saved ? t('builder.saveVersion') : t('builder.save')}
          </Button>
          {saved && (
            <Button
              icon={<CopyOutlined />}
              onClick={() => props.onSave(true)}
              disabled={!props.canSave}
              data-testid="segment-save-as-new"
            >
              {t('builder.saveAsNew')}
            </Button>
          )}
        </Space>
      )}
      {saved && props.dirty && (
        <Typography.Paragraph type="warning" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
          {t('builder.unsaved')}
        </Typography.Paragraph>
      )}
      <div style={{ borderTop: '1px dashed #eef0f3', marginTop: 12, paddingTop: 12 }}>
        <Space wrap>
          <Button icon={<BarChartOutlined />} onClick={props.onAnalyse} data-testid="segment-analyse">
            {t('builder.analyse')}
          </Button>
          {saved && props.definer && (
            <Button
              icon={<DatabaseOutlined />}
              onClick={materialize}
              loading={materializing}
              data-testid="segment-materialize"
            >
              {t('builder.materialize')}
            </Button>
          )}
          {saved && props.exporter && (
            <Button
              icon={<CloudDownloadOutlined />}
              href={segmentsApi.exportUrl(saved.id)}
              data-testid="segment-export"
            >
              {t('builder.export')}
            </Button>
          )}
        </Space>
        {materialized && (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 12 }}
            data-testid="materialize-result"
            data-value={String(materialized.members)}
            title={t('builder.materialized', {
              n: formatInteger(materialized.members, lang),
              date: materialized.asOf,
            })}
          />
        )}
        {materializeError && (
          <Alert type="error" showIcon style={{ marginTop: 12 }} title={materializeError} />
        )}
      </div>
    </Card>
  );
}
