import { subPath, usePath } from '../../router.ts';
import { JourneyDetail } from './JourneyDetail.tsx';
import { JourneyEditor } from './JourneyEditor.tsx';
import { JourneyList } from './JourneyList.tsx';

/** /journeys, /journeys/new, /journeys/{id}, /journeys/{id}/edit. */
export default function JourneysArea() {
  const [first, second] = subPath(usePath(), '/journeys');
  if (first === 'new') return <JourneyEditor key="new" />;
  if (first && second === 'edit') return <JourneyEditor key={`edit-${first}`} id={Number(first)} />;
  if (first) return <JourneyDetail key={first} id={Number(first)} />;
  return <JourneyList />;
}
