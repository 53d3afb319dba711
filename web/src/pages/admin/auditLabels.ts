import { enUS, type MessageKey } from '../../i18n/en-US.ts';
import type { Translate } from '../../i18n/i18n.tsx';

// The audit log shows each action and record type by a translated label; a code this dashboard does not know yet (an
// action added on the server later) has none, and the page shows the code itself, marked as raw.

function known(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(enUS, key);
}

/** The translated label of an audit action, or null when the dashboard does not know the action. */
export function auditActionLabel(action: string, t: Translate): string | null {
  const key = `auditAction.${action}`;
  return known(key) ? t(key) : null;
}

/** The translated label of an audit record's type, or null when the dashboard does not know it. */
export function auditEntityLabel(entityType: string, t: Translate): string | null {
  const key = `auditEntity.${entityType}`;
  return known(key) ? t(key) : null;
}
