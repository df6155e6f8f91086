// What the yearly statistics read of requisitions (issue 13 item 8): each state change in a
// period with the requisition's commune, requesting unit and legal framework. Read-only; the
// statistics module counts requests, results and exports from it.
import type { RequisitionsRepository } from './requisitions.repository.ts';
import type { RequisitionState } from './requisitions.schemas.ts';

export interface RequisitionTransitionFact {
  requisitionId: string;
  communeInsee: string;
  /** The requesting officer's service or unit, as filed (or last corrected). */
  officerUnit: string;
  legalFramework: string;
  /** null for the intake (the requisition was received). */
  fromState: RequisitionState | null;
  toState: RequisitionState;
  at: string;
}

export class RequisitionFacts {
  constructor(private readonly repository: RequisitionsRepository) {}

  /** State changes at instants in [fromIso, toIso), within `communes` (null: every commune), oldest first. */
  async transitionsBetween(filter: { communes: readonly string[] | null; fromIso: string; toIso: string }): Promise<RequisitionTransitionFact[]> {
    const rows = await this.repository.transitionFacts(filter);
    return rows.map((row) => ({
      requisitionId: row.requisition_id,
      communeInsee: row.commune_insee,
      officerUnit: row.officer_unit,
      legalFramework: row.legal_framework,
      fromState: row.from_state as RequisitionState | null,
      toState: row.to_state as RequisitionState,
      at: row.at,
    }));
  }
}
