import { subPath, usePath } from '../../router.ts';
import { AnalysisPage } from './analysis/AnalysisPage.tsx';
import { BuilderPage } from './builder/BuilderPage.tsx';
import { SegmentList } from './SegmentList.tsx';

/** /segments (list), /segments/new, /segments/:id (builder), /segments/:id/analysis, /segments/analysis?rule=. */
export default function SegmentsArea() {
  const [first, second] = subPath(usePath(), '/segments');
  if (first === undefined) return <SegmentList />;
  if (first === 'new') return <BuilderPage key="new" />;
  if (first === 'analysis') return <AnalysisPage />;
  if (second === 'analysis') return <AnalysisPage segmentId={first} />;
  return <BuilderPage segmentId={first} />;
}
