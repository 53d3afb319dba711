import { subPath, usePath } from '../../router.ts';
import { TagCatalogue } from './TagCatalogue.tsx';
import { TagDetailPage } from './TagDetailPage.tsx';
import { TagFormPage } from './TagFormPage.tsx';

/** /tags (catalogue), /tags/new, /tags/:key (detail), /tags/:key/edit. */
export default function TagsArea() {
  const [first, second] = subPath(usePath(), '/tags');
  if (first === undefined) return <TagCatalogue />;
  if (first === 'new') return <TagFormPage />;
  if (second === 'edit') return <TagFormPage tagKey={first} />;
  return <TagDetailPage tagKey={first} />;
}
