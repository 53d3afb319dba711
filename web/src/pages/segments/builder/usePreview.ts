import { useEffect, useState } from 'react';
import { ApiError, errorText, isAbort, type Issue } from '../../../api/client.ts';
import { toApiRule } from '../../../api/rule.ts';
import { segmentsApi } from '../../../api/segments.ts';

export type PreviewState =
  | { readonly status: 'idle' }
  | { readonly status: 'ok'; readonly rule: string; readonly count: number; readonly elapsedMs: number }
  | {
      readonly status: 'invalid';
      readonly rule: string;
      readonly issues: readonly Issue[];
      readonly message: string;
    }
  | { readonly status: 'error'; readonly rule: string; readonly message: string };

export const PREVIEW_DEBOUNCE_MS = 300;

/**
 * The live count of a rule: asked ~300 ms after the last edit; an answer for a rule that has since changed is
 * cancelled (AbortController) and, should it still arrive, ignored. `pending` is true until the current rule's
 * answer is in, while the last answer stays on screen (also while the preview is disabled).
 */
export function usePreview(ruleJson: string, enabled: boolean): { state: PreviewState; pending: boolean } {
  const [state, setState] = useState<PreviewState>({ status: 'idle' });

  useEffect(() => {
    // While disabled (no conditions, or some not filled in) the last answer stays, marked as not current.
    if (!enabled) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      segmentsApi
        .preview(toApiRule(JSON.parse(ruleJson)), controller.signal)
        .then((p) => {
          if (!controller.signal.aborted)
            setState({ status: 'ok', rule: ruleJson, count: p.count, elapsedMs: p.elapsed_ms });
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted || isAbort(e)) return;
          if (e instanceof ApiError && e.status === 400)
            setState({ status: 'invalid', rule: ruleJson, issues: e.issues, message: e.message });
          else setState({ status: 'error', rule: ruleJson, message: errorText(e) });
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [ruleJson, enabled]);

  const pending = enabled && (state.status === 'idle' || state.rule !== ruleJson);
  return { state, pending };
}
