import { subPath, usePath } from '../../router.ts';
import { ActivityDetail } from './ActivityDetail.tsx';
import { ActivityEdit, ActivityForm } from './ActivityForm.tsx';
import { ActivityList } from './ActivityList.tsx';

/** /activities, /activities/new, /activities/{id}, /activities/{id}/edit. */
export default function ActivitiesArea() {
  const [first, second] = subPath(usePath(), '/activities');
  if (first === 'new') return <ActivityForm />;
  if (first && second === 'edit') return <ActivityEdit key={first} id={Number(first)} />;
  if (first) return <ActivityDetail key={first} id={Number(first)} />;
  return <ActivityList />;
}
