import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { JourneyNode } from './api.ts';

type Duration = { days?: number | undefined; hours?: number | undefined; minutes?: number | undefined };

/** A span of time in the user's language: "2 d 3 h". */
export function useDurationText(): (d: Duration) => string {
  const { t } = useI18n();
  return (d) =>
    [
      d.days ? t('jny.duration.days', { n: d.days }) : '',
      d.hours ? t('jny.duration.hours', { n: d.hours }) : '',
      d.minutes ? t('jny.duration.minutes', { n: d.minutes }) : '',
    ]
      .filter(Boolean)
      .join(' ');
}

/** One line saying what a node does, as the canvas shows it. */
export function useNodeSummary(node: JourneyNode): string {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const duration = useDurationText();
  switch (node.kind) {
    case 'wait':
      return node.until ? t('jny.sum.until', { time: node.until }) : duration(node.duration ?? {});
    case 'branch':
      return t('jny.sum.branch', { n: node.arms.length });
    case 'split':
      return node.arms.map((a) => `${a.key} ${a.share}%`).join(' · ');
    case 'send':
      return t('jny.sum.send', {
        id: node.content.id,
        version: node.content.version,
        channels: node.channels.join(' → '),
      });
    case 'task':
      return node.title;
    case 'tag':
      return `${node.action === 'add' ? '+' : '−'} ${node.tag ? dictionary.displayName('tag', node.tag) : '?'} = ${node.value || '?'}`;
    case 'wait_for_event':
      return t('jny.sum.waitFor', {
        event: node.event ? dictionary.displayName('event', node.event) : '?',
        timeout: duration(node.timeout),
      });
    case 'exit':
      return t('jny.sum.exit');
  }
}
