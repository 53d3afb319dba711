import { LoadingOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, Card, Progress, Space, Typography } from 'antd';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { PreviewState } from './usePreview.ts';

/** What the live count shows: the preview of the rule being edited and where it stands. */
export interface LiveCountProps {
  readonly state: PreviewState;
  readonly pending: boolean;
  readonly ruleJson: string;
  readonly customers: number;
  readonly asOf: string | null;
  readonly empty: boolean;
  /** Conditions not filled in yet. */
  readonly incomplete: number;
}

/** The live count of the rule being edited, its share of all customers, and how long the count took. */
export function LiveCount({ state, pending, ruleJson, customers, asOf, empty, incomplete }: LiveCountProps) {
  const { t, lang } = useI18n();
  const count = state.status === 'ok' && !empty ? state.count : null;
  const share = count !== null && customers > 0 ? count / customers : null;
  const waiting = empty || incomplete > 0;
  const status = empty ? 'empty' : incomplete > 0 ? 'incomplete' : pending ? 'pending' : state.status;
  return (
    <Card size="small" styles={{ body: { padding: '16px 20px' } }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
        <div>
          <Typography.Text type="secondary">{t('builder.liveCount')}</Typography.Text>
          <div
            style={{
              fontSize: 32,
              fontWeight: 600,
              lineHeight: 1.3,
              fontVariantNumeric: 'tabular-nums',
              opacity: pending || waiting ? 0.5 : 1,
            }}
          >
            <span
              data-testid="live-count"
              data-value={count === null ? '' : String(count)}
              data-status={status}
              data-rule={state.status === 'idle' ? '' : state.rule}
              data-current={ruleJson}
            >
              {empty ? (
                '—'
              ) : count === null ? (
                pending ? (
                  <LoadingOutlined />
                ) : (
                  '—'
                )
              ) : (
                formatInteger(count, lang)
              )}
            </span>
            {pending && count !== null && <LoadingOutlined style={{ fontSize: 16, marginInlineStart: 10 }} />}
          </div>
          {share !== null && (
            <Typography.Text type="secondary" data-testid="live-share" data-value={String(share)}>
              {t('builder.shareOfCustomers', {
                share: formatPercent(share, lang),
                total: formatInteger(customers, lang),
              })}
            </Typography.Text>
          )}
        </div>
        <TeamOutlined
          style={{ fontSize: 22, color: '#1677ff', background: '#1677ff14', padding: 11, borderRadius: 10 }}
        />
      </Space>
      {share !== null && (
        <Progress percent={share * 100} showInfo={false} size="small" style={{ marginTop: 8 }} />
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 6 }}>
        {[
          state.status === 'ok' ? t('builder.elapsed', { ms: state.elapsedMs }) : null,
          asOf ? t('overview.asOf', { date: asOf }) : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Typography.Text>
      {empty && <Alert type="info" showIcon title={t('builder.emptyHint')} style={{ marginTop: 10 }} />}
      {!empty && incomplete > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('builder.incompleteHint', { n: incomplete })}
          style={{ marginTop: 10 }}
        />
      )}
      {!waiting && state.status === 'invalid' && (
        <Alert
          type="error"
          showIcon
          title={t('builder.invalid', { n: state.issues.length || 1 })}
          description={
            <div data-testid="preview-issues">
              {(state.issues.length ? state.issues : [{ path: '$', message: state.message }]).map(
                (issue, i) => (
                  <div key={i}>
                    <Typography.Text code>{issue.path}</Typography.Text> {issue.message}
                  </div>
                ),
              )}
            </div>
          }
          style={{ marginTop: 10 }}
        />
      )}
      {!waiting && state.status === 'error' && (
        <Alert
          type="warning"
          showIcon
          title={t('builder.previewFailed')}
          description={state.message}
          style={{ marginTop: 10 }}
        />
      )}
    </Card>
  );
}
