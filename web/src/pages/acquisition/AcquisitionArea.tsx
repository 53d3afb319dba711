import { subPath, usePath } from '../../router.ts';
import { LivePage } from './LivePage.tsx';
import { StrategyEditor } from './StrategyEditor.tsx';
import { StrategyList } from './StrategyList.tsx';

/** /acquisition (strategies), /acquisition/live, /acquisition/strategies/new, /acquisition/strategies/{id}. */
export default function AcquisitionArea() {
  const [first, second] = subPath(usePath(), '/acquisition');
  if (first === 'live') return <LivePage />;
  if (first === 'strategies' && second)
    return <StrategyEditor key={second} id={second === 'new' ? null : second} />;
  return <StrategyList />;
}
