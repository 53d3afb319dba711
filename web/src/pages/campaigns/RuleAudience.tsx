import { Col, Row, Skeleton } from 'antd';
import { useCallback, useState } from 'react';
import type { Rule } from '../../api/rule.ts';
import { segmentsApi, type SegmentCatalogue } from '../../api/segments.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BuilderCtx } from '../segments/builder/context.ts';
import { LiveCount } from '../segments/builder/LiveCount.tsx';
import { RuleNode } from '../segments/builder/RuleNode.tsx';
import { useRuleEditor } from '../segments/builder/useRuleEditor.ts';

/**
 * The audience as a rule, built with the segment builder's own nodes and live count: the count is the segment
 * preview of the rule, the population the campaign preview resolves on the same segment index.
 */
export function RuleAudience({ rule, onChange }: { rule: Rule; onChange: (rule: Rule) => void }) {
  const { t } = useI18n();
  const loaded = useLoad((signal) => segmentsApi.catalogue(signal), []);
  // After a list upload the catalogue is loaded again; that copy wins over the first.
  const [reloaded, setReloaded] = useState<SegmentCatalogue | null>(null);
  const catalogue = reloaded ?? loaded.data ?? null;
  const reloadCatalogue = useCallback(async () => {
    const next = await segmentsApi.catalogue();
    setReloaded(next);
    return next;
  }, []);
  const update = useCallback((fn: (current: Rule) => Rule) => onChange(fn(rule)), [rule, onChange]);
  const { ctx, edit, live } = useRuleEditor({ rule, update, catalogue, reloadCatalogue });
  if (!ctx)
    return loaded.error ? (
      <LoadError error={loaded.error} title={t('builder.loadFailed')} onRetry={loaded.reload} />
    ) : (
      <Skeleton active paragraph={{ rows: 4 }} />
    );
  return (
    <BuilderCtx.Provider value={ctx}>
      <Row gutter={[16, 16]} align="top" data-testid="audience-rule">
        <Col xs={24} xl={16}>
          <RuleNode rule={rule} steps={[]} edit={edit} />
        </Col>
        <Col xs={24} xl={8}>
          <LiveCount {...live} />
        </Col>
      </Row>
    </BuilderCtx.Provider>
  );
}
