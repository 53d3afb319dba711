import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Typography } from 'antd';
import type { ReactNode } from 'react';
import { downloadText, toCsv } from '../../components/csv.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** What every analysis states next to its numbers (DESIGN.md: definition, window and data freshness). */
export interface AnalysisMeta {
  /** How the figures are defined, in the user's language. */
  readonly definition: ReactNode;
  /** The period the figures cover, e.g. "2026-09-01 – 2026-11-30, 7-day conversion window". */
  readonly window: ReactNode;
  /** When the underlying data was last loaded or computed (ISO time), if known. */
  readonly freshness?: string | null;
  readonly elapsedMs?: number;
}

/**
 * A card holding one analysis: title, the chart or table, then its definition, window and data freshness.
 * `notEnoughData` replaces the body with an explicit notice (never NaN on screen).
 */
export function AnalysisFrame(props: {
  title: ReactNode;
  meta: AnalysisMeta;
  extra?: ReactNode;
  notEnoughData?: string | null;
  testId?: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const { meta } = props;
  return (
    <Card title={props.title} extra={props.extra} style={{ marginBottom: 16 }} data-testid={props.testId}>
      {props.notEnoughData ? (
        <Alert
          type="info"
          showIcon
          title={t('analytics.frame.notEnoughData', { reason: props.notEnoughData })}
          data-testid="not-enough-data"
        />
      ) : (
        props.children
      )}
      <Descriptions size="small" column={1} style={{ marginTop: 16 }} data-testid="analysis-meta">
        <Descriptions.Item label={t('analytics.frame.definition')}>{meta.definition}</Descriptions.Item>
        <Descriptions.Item label={t('analytics.frame.window')}>{meta.window}</Descriptions.Item>
      </Descriptions>
      {(meta.freshness || meta.elapsedMs !== undefined) && (
        <Typography.Text type="secondary" data-testid="analysis-freshness">
          {[
            meta.freshness
              ? t('analytics.frame.freshness', { at: meta.freshness.replace('T', ' ').slice(0, 19) })
              : null,
            meta.elapsedMs !== undefined
              ? t('analytics.frame.computedIn', { ms: Math.round(meta.elapsedMs) })
              : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Typography.Text>
      )}
    </Card>
  );
}

/** A column of an exported table: its header and how a row's cell is read. */
export interface CsvColumn<Row> {
  readonly title: string;
  readonly value: (row: Row) => unknown;
}

/** "Export CSV" for a table on screen: the rows as shown, with the given columns. */
export function CsvButton<Row>(props: {
  fileName: string;
  columns: readonly CsvColumn<Row>[];
  rows: readonly Row[];
}) {
  const { t } = useI18n();
  return (
    <Button
      icon={<DownloadOutlined />}
      disabled={props.rows.length === 0}
      title={props.rows.length === 0 ? t('analytics.csv.empty') : undefined}
      onClick={() => downloadText(props.fileName, toCsv(props.columns, props.rows))}
      data-testid="csv-export"
    >
      {t('analytics.csv.download')}
    </Button>
  );
}
