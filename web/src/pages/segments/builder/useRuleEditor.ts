import { useCallback, useMemo } from 'react';
import type { Issue } from '../../../api/client.ts';
import { incompletePaths, matchRule, updateAt, type Rule, type Step } from '../../../api/rule.ts';
import type { SegmentCatalogue } from '../../../api/segments.ts';
import { issuesByPath, type BuilderContext } from './context.ts';
import type { Edit } from './RuleNode.tsx';
import type { LiveCountProps } from './LiveCount.tsx';
import { usePreview } from './usePreview.ts';

export const EMPTY_RULE: Rule = { all: [] };
const NO_ISSUES: readonly Issue[] = [];

/** True for a group without conditions (nothing to count yet). */
export const isEmptyRule = (rule: Rule) =>
  matchRule(rule, { all: (g) => g.all.length === 0, any: (g) => g.any.length === 0 }, () => false);

/**
 * The segment builder around one rule, wherever it is embedded (the builder page, the campaign wizard): the context
 * its nodes read, the edit they call, and the live count. `update` applies an edit to the current rule.
 */
export function useRuleEditor(options: {
  rule: Rule;
  update: (fn: (current: Rule) => Rule) => void;
  catalogue: SegmentCatalogue | null;
  reloadCatalogue: () => Promise<SegmentCatalogue>;
  selfId?: string | null;
  /** Issues found elsewhere than in the live count (e.g. on save). */
  moreIssues?: readonly Issue[];
}): {
  ctx: BuilderContext | null;
  edit: Edit;
  live: LiveCountProps;
  ruleJson: string;
  empty: boolean;
  incomplete: ReadonlySet<string>;
} {
  const { rule, update, catalogue, reloadCatalogue, selfId = null, moreIssues = NO_ISSUES } = options;
  const ruleJson = useMemo(() => JSON.stringify(rule), [rule]);
  const empty = isEmptyRule(rule);
  const incomplete = useMemo(() => new Set(incompletePaths(rule)), [rule]);
  const { state, pending } = usePreview(ruleJson, catalogue !== null && !empty && incomplete.size === 0);
  const edit = useCallback(
    (steps: readonly Step[], fn: (node: Rule) => Rule | undefined) =>
      update((current) => updateAt(current, steps, fn) ?? EMPTY_RULE),
    [update],
  );
  const issues = useMemo(
    () => issuesByPath([...(state.status === 'invalid' ? state.issues : []), ...moreIssues]),
    [state, moreIssues],
  );
  const ctx = useMemo<BuilderContext | null>(
    () => (catalogue ? { catalogue, issues, incomplete, selfId, reloadCatalogue } : null),
    [catalogue, issues, incomplete, selfId, reloadCatalogue],
  );
  const live: LiveCountProps = {
    state,
    pending,
    ruleJson,
    customers: catalogue?.customers ?? 0,
    asOf: catalogue?.asOf ?? null,
    empty,
    incomplete: incomplete.size,
  };
  return { ctx, edit, live, ruleJson, empty, incomplete };
}
