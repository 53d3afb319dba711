import { Form, Select, Typography } from 'antd';
import { useMemo } from 'react';
import type { Issue } from '../../api/client.ts';
import type { RuleKind, Step } from '../../api/rule.ts';
import { updateAt } from '../../api/rule.ts';
import type { SegmentCatalogue } from '../../api/segments.ts';
import { keyedPicker } from '../../dictionary/keyedPicker.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { BuilderCtx, issuesByPath, type BuilderContext } from '../segments/builder/context.ts';
import { attrLabel } from '../segments/builder/labels.ts';
import { RuleNode } from '../segments/builder/RuleNode.tsx';
import { issuesAt, type TagDraft, type ValueDraft } from './tagDraft.ts';
import { fieldStatus, FallbackRow, ValueRows } from './ValueRows.tsx';

// Rules of attribute tags test customer facts only (src/tags/definition.ts).
const FACT_KINDS: readonly RuleKind[] = ['attr', 'holds', 'all', 'any', 'not'];

/** One attribute value's rule, edited with the segment builder restricted to facts. */
function ValueRule({
  row,
  index,
  set,
  catalogue,
  issues,
}: {
  row: ValueDraft;
  index: number;
  set: (patch: Partial<ValueDraft>) => void;
  catalogue: SegmentCatalogue;
  issues: readonly Issue[];
}) {
  const { t } = useI18n();
  const prefix = `spec.values[${index}].rule`;
  const ctx = useMemo<BuilderContext>(() => {
    const mine = issuesAt(issues, prefix).map((i) => ({ ...i, path: `$${i.path.slice(prefix.length)}` }));
    return {
      catalogue: { ...catalogue, tags: [], events: [], segments: [], lists: [] },
      issues: issuesByPath(mine),
      selfId: null,
      reloadCatalogue: () => Promise.resolve(catalogue),
      kinds: FACT_KINDS,
    };
  }, [catalogue, issues, prefix]);
  const rule = row.rule ?? { all: [] };
  return (
    <div style={{ marginTop: 10 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('tagForm.ruleFor')}
      </Typography.Text>
      <BuilderCtx.Provider value={ctx}>
        <RuleNode
          rule={rule}
          steps={[]}
          edit={(steps: readonly Step[], fn) => set({ rule: updateAt(rule, steps, fn) ?? { all: [] } })}
        />
      </BuilderCtx.Provider>
    </div>
  );
}

/** The spec part of the form for the chosen kind. */
export function SpecEditor({
  draft,
  onChange,
  issues,
  catalogue,
}: {
  draft: TagDraft;
  onChange: (patch: Partial<TagDraft>) => void;
  issues: readonly Issue[];
  catalogue: SegmentCatalogue;
}) {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const setValues = (values: ValueDraft[]) => onChange({ values });
  if (draft.kind === 'bucket') {
    const numeric = catalogue.attributes.filter((a) => a.type === 'number');
    return (
      <>
        <Form.Item
          label={t('tagForm.field')}
          required
          {...fieldStatus(issues, 'spec.field')}
          extra={t('tagForm.fieldHelp')}
        >
          <Select<string>
            {...keyedPicker(numeric.map((a) => ({ key: a.name, label: attrLabel(a.name, t, dictionary) })))}
            value={draft.field || undefined}
            onChange={(field) => onChange({ field })}
            style={{ width: 320 }}
            data-testid="spec-field"
          />
        </Form.Item>
        <Form.Item label={t('tagForm.buckets')} extra={t('tagForm.bucketsHelp')}>
          <ValueRows draft={draft} onChange={setValues} issues={issues} path="spec.buckets" bounds />
        </Form.Item>
        <Form.Item>
          <FallbackRow
            draft={draft}
            onChange={(fallback) => onChange({ fallback })}
            label={t('tagForm.missing')}
            issues={issuesAt(issues, 'spec.missing')}
          />
        </Form.Item>
      </>
    );
  }
  if (draft.kind === 'attribute') {
    return (
      <>
        <Form.Item label={t('tagForm.values')} extra={t('tagForm.attributeHelp')}>
          <ValueRows
            draft={draft}
            onChange={setValues}
            issues={issues}
            path="spec.values"
            bounds={false}
            extra={(row, i, set) => (
              <ValueRule row={row} index={i} set={set} catalogue={catalogue} issues={issues} />
            )}
          />
        </Form.Item>
        <Form.Item>
          <FallbackRow
            draft={draft}
            onChange={(fallback) => onChange({ fallback })}
            label={t('tagForm.default')}
            issues={issuesAt(issues, 'spec.default')}
          />
        </Form.Item>
      </>
    );
  }
  return (
    <Form.Item label={t('tagForm.values')} extra={t('tagForm.manualHelp')}>
      <ValueRows draft={draft} onChange={setValues} issues={issues} path="spec.values" bounds={false} />
    </Form.Item>
  );
}
