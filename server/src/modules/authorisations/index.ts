// The authorisations module's public API (more moves here with the module contracts, issue 10).
export { applyRepair, findRepairs, type AuthorisationRepair } from './authorisations.repair.ts';
