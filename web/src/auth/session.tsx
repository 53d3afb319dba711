import { createContext, useContext, type ReactNode } from 'react';
import type { Me } from '../api/auth.ts';

const MeContext = createContext<Me | null>(null);

/** Makes the signed-in principal available to every page under the shell. */
export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

/** The signed-in principal; only valid inside the shell. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside MeProvider');
  return me;
}

// Defining tags and groups and running the tag computation is head-office work (DESIGN.md: analysts and admins).
// The server decides; these only hide actions it would refuse.
const DEFINERS = new Set(['admin', 'analyst']);

/** Whether the principal holds any of `permissions` (the server grants them by role; it decides anyway). */
export function can(me: Me, ...permissions: readonly string[]): boolean {
  return permissions.some((p) => me.permissions.includes(p));
}

/** May save, materialise and archive segments and upload lists. */
export const canManageSegments = (me: Me) => can(me, 'segments.manage');
/** May export a segment's members. */
export const canExportSegments = (me: Me) => can(me, 'segments.export');
/** May define tags, import manual values and run the computation. */
export const canManageTags = (me: Me) => can(me, 'tags.manage');

// Areas that show whole-bank figures; the server refuses them (403) to roles bound to a branch or a pool.
const WHOLE_BANK_AREAS = new Set([
  'journeys',
  'overview',
  'tags',
  'segments',
  'analytics',
  'campaigns',
  'media',
  'acquisition',
]);

/** Whether the principal sees whole-bank figures (head office: admins and analysts). */
export const seesWholeBank = (me: Me) => DEFINERS.has(me.role);

// The Admin area opens to whoever holds one of its tabs' permissions (an auditor granted audit.read, say).
const ADMIN_PERMISSIONS = ['users.manage', 'apikeys.manage', 'audit.read'] as const;

/** Whether an area is open to the principal (hidden from the navigation otherwise). */
export const mayOpenArea = (me: Me, areaKey: string) =>
  areaKey === 'admin'
    ? can(me, ...ADMIN_PERMISSIONS)
    : areaKey === 'data'
      ? can(me, 'ingest.write')
      : areaKey === 'activities'
        ? // staff see the activities they work (the server lists only those) and open them as the door
          seesWholeBank(me) || Boolean(me.staffId)
        : seesWholeBank(me) || !WHOLE_BANK_AREAS.has(areaKey);
