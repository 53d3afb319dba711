import { createContext, useContext } from 'react';
import type { Issue } from '../../../api/client.ts';
import type { RuleKind } from '../../../api/rule.ts';
import type { SegmentCatalogue } from '../../../api/segments.ts';

/** What every node of the builder needs: the catalogue, the server's issues by node path, and the segment edited. */
export interface BuilderContext {
  readonly catalogue: SegmentCatalogue;
  readonly issues: ReadonlyMap<string, readonly Issue[]>;
  /** The saved segment being edited, which its own rule may not refer to. */
  readonly selfId: string | null;
  /** Loads the catalogue again (after a list was uploaded). */
  readonly reloadCatalogue: () => Promise<SegmentCatalogue>;
  /** Paths of conditions not filled in yet (no count is asked for while there are any). */
  readonly incomplete?: ReadonlySet<string>;
  /** The condition kinds that may be added (all when omitted): tag rules allow facts only. */
  readonly kinds?: readonly RuleKind[];
}

export const BuilderCtx = createContext<BuilderContext | null>(null);

export function useBuilder(): BuilderContext {
  const ctx = useContext(BuilderCtx);
  if (!ctx) throw new Error('useBuilder outside the builder');
  return ctx;
}

/** Issues grouped by the path of the rule object they are about. */
export function issuesByPath(issues: readonly Issue[]): Map<string, Issue[]> {
  const map = new Map<string, Issue[]>();
  for (const issue of issues) {
    const list = map.get(issue.path) ?? [];
    list.push(issue);
    map.set(issue.path, list);
  }
  return map;
}
