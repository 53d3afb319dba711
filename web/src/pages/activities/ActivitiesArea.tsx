import { subPath, usePath } from '../../router.ts';
import { ActivityDetail } from './ActivityDetail.tsx';
import { ActivityForm } from './ActivityForm.tsx';
import { ActivityList } from './ActivityList.tsx';

/** /activities, /activities/new, /activities/{id}. */
export default function ActivitiesArea() {
  const [first] = subPath(usePath(), '/activities');
  if (first === 'new') return <ActivityForm />;
  if (first) return <ActivityDetail key={first} id={Number(first)} />;
  return <ActivityList />;
}
