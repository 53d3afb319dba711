import { useEffect, useState } from 'react';

// A minimal history router: the server answers every non-API GET with index.html, so paths are real URLs.

const listeners = new Set<() => void>();

/** Goes to a path inside the app without reloading. */
export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** The current path; re-renders on navigate() and on the browser's back/forward. */
export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}
