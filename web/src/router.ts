import { useEffect, useMemo, useState } from 'react';

// A minimal history router: the server answers every non-API GET with index.html, so paths are real URLs.

const listeners = new Set<() => void>();

const here = () => window.location.pathname + window.location.search;

/** Goes to a path (optionally with a `?query`) inside the app without reloading; `replace` keeps no history entry. */
export function navigate(path: string, replace = false): void {
  if (path === here()) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** The current path with its query; re-renders on navigate() and on the browser's back/forward. */
function useLocation(): string {
  const [location, setLocation] = useState(here);
  useEffect(() => {
    const update = () => setLocation(here());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** The current path (without the query). */
export function usePath(): string {
  const location = useLocation();
  const q = location.indexOf('?');
  return q < 0 ? location : location.slice(0, q);
}

/** The current query parameters. */
export function useSearchParams(): URLSearchParams {
  const location = useLocation();
  return useMemo(() => {
    const q = location.indexOf('?');
    return new URLSearchParams(q < 0 ? '' : location.slice(q));
  }, [location]);
}

/** The path's segments after an area's prefix: `/tags/aum_tier/edit` under `/tags` → ['aum_tier', 'edit']. */
export function subPath(path: string, prefix: string): string[] {
  const rest = path.startsWith(prefix) ? path.slice(prefix.length) : '';
  return rest
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}
