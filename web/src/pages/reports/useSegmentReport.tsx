import { useEffect, useState, type ReactElement } from 'react';
import type { ReportKind } from '../../api/reports.ts';
import { SaveReportButton } from './SaveReportButton.tsx';
import { useOpenedReport } from './useOpenedReport.ts';

/**
 * The saved-group choice of an analysis whose only parameter is its population (lifecycle, concentration): starts
 * from a reopened report's definition, and the "Save as report" button for the choice on screen.
 */
export function useSegmentReport(
  kind: ReportKind,
  defaultName: string,
): { segment: string; setSegment: (segment: string) => void; save: ReactElement } {
  const opened = useOpenedReport([kind]);
  const [segment, setSegment] = useState('');
  const saved = opened.report?.definition as { population?: { segmentId?: string } } | undefined;
  useEffect(() => {
    if (opened.report) setSegment(saved?.population?.segmentId ?? '');
  }, [opened.report?.id, opened.report?.updatedAt]);
  const definition = segment ? { population: { segmentId: segment } } : {};
  return {
    segment,
    setSegment,
    save: (
      <SaveReportButton
        kind={kind}
        definition={definition}
        opened={opened.report}
        defaultName={defaultName}
      />
    ),
  };
}
