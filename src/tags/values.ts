import type { KindSpec, RfmSpec } from './definition.ts';
import { RFM_GROUPS, rfmScoreLabel, stageLabel, TIERS, type Label } from './labels.ts';

// The values each definition can produce, with their labels, in display order.

/** Every value a definition can produce, with its label, in display order (empty for open-ended sql/manual). */
export function declaredValues(def: KindSpec): { value: string; label: Label }[] {
  switch (def.kind) {
    case 'attribute':
      return [...def.spec.values, ...(def.spec.default ? [def.spec.default] : [])];
    case 'bucket':
      return [...def.spec.buckets, ...(def.spec.missing ? [def.spec.missing] : [])];
    case 'event':
      return def.spec.buckets;
    case 'tier':
      return TIERS.map((t) => ({ value: t.value, label: t.label }));
    case 'rfm':
      return rfmValues(def.spec.output);
    case 'lifecycle':
      return def.spec.stages.map((s) => ({ value: s.value, label: s.label ?? stageLabel(s.value) }));
    case 'sql':
    case 'manual':
      return def.spec.values ?? [];
  }
}

function rfmValues(output: RfmSpec['output']): { value: string; label: Label }[] {
  if (output === 'group') return RFM_GROUPS.map((g) => ({ value: g.value, label: g.label }));
  return [1, 2, 3, 4, 5].map((score) => ({ value: String(score), label: rfmScoreLabel(output, score) }));
}
