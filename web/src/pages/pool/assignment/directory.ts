import type { OrgNode, StaffMember } from '../../../api/pool.ts';

/** What the assignment screens look names up in: org units (depth first), account managers, labels for ids. */
export interface Directory {
  readonly units: readonly { unit: OrgNode; depth: number }[];
  /** `Branch 01 (BR01)`, or the id when the unit is unknown. */
  readonly unitLabel: (id: string | null) => string;
  /** `Manager 1 (AM01)`, or the id when the staff member is unknown. */
  readonly staffLabel: (id: string | null | undefined) => string;
  /** Every account manager in scope (departed too: rules and history name them). */
  readonly staff: readonly StaffMember[];
  /** Active account managers in scope: who may be given customers. */
  readonly managers: readonly StaffMember[];
}

/** An option of a manager select: name, id and pool / capacity. */
export function managerOption(s: StaffMember, format: (n: number) => string) {
  return {
    value: s.id,
    label: `${s.name} (${s.id}) · ${format(s.poolSize)}/${format(s.poolCapacity)}`,
  };
}

/** The options of an org unit select, indented by depth. */
export function unitOptions(units: Directory['units']) {
  return units.map(({ unit, depth }) => ({
    value: unit.id,
    label: `${'\u00a0'.repeat(depth * 3)}${unit.name} (${unit.id})`,
  }));
}
