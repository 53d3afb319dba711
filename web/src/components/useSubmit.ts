import { useCallback, useState } from 'react';
import { errorText } from '../api/client.ts';

/** A form's submission: `busy` while `work` runs, and what went wrong (`describe`d) when it throws. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = useCallback(
    async (work: () => Promise<void>, describe: (e: unknown) => string = errorText): Promise<void> => {
      setBusy(true);
      setFailure(null);
      try {
        await work();
      } catch (e) {
        setFailure(describe(e));
      } finally {
        setBusy(false);
      }
    },
    [],
  );
  return { busy, failure, submit };
}
