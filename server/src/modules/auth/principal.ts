// Builds the policy's Principal from a stored user or token.
import type { ApiTokenRow, UserRow } from '../../platform/db/schema.ts';
import type { Action, Principal, Role } from '../access/index.ts';

export function principalOfUser(user: UserRow, communes: readonly string[]): Principal {
  return Object.freeze({
    kind: 'user',
    id: user.id,
    login: user.login,
    role: user.role as Role,
    allCommunes: user.all_communes === 1,
    communes: Object.freeze([...communes]),
    actionSubset: null,
    approvalReference: user.approval_reference,
    approvalExpiresOn: user.approval_expires_on,
    trainingDate: user.training_date,
    imageAccessConfirmed: user.image_access_confirmed_by !== null,
  });
}

export function principalOfToken(token: ApiTokenRow): Principal {
  return Object.freeze({
    kind: 'token',
    id: token.id,
    login: `token:${token.name}`,
    role: token.role as Role,
    allCommunes: token.all_communes === 1,
    communes: Object.freeze(JSON.parse(token.communes) as string[]),
    actionSubset: token.actions ? Object.freeze(JSON.parse(token.actions) as Action[]) : null,
    approvalReference: null,
    approvalExpiresOn: null,
    trainingDate: null,
    // Tokens never see images (their image actions are refused at creation).
    imageAccessConfirmed: false,
  });
}
