import type { JourneyNode } from './model.ts';

// Apart from the schema (which pulls zod and the rule language) so the dashboard's canvas draws a node's exits with
// the server's own rule.

/** The exits a node has, each of which needs an edge. */
export function exitsOf(node: JourneyNode): string[] {
  switch (node.kind) {
    case 'branch':
      return [...node.arms.map((a) => a.key), 'default'];
    case 'split':
      return node.arms.map((a) => a.key);
    case 'wait_for_event':
      return ['event', 'timeout'];
    case 'exit':
      return [];
    default:
      return ['next'];
  }
}
