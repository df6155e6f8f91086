// Signing in through the real API for tests, and calling it with the session's cookie and
// CSRF token, as the console does.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../modules/access/index.ts';
import { totpCode } from '../modules/auth/index.ts';
import type { TestContext } from './context.ts';
import { testCli } from './context.ts';

export const testPassword = 'Vigie-Test-Password-2026!';

export interface SignedIn {
  login: string;
  userId: string;
  cookie: string;
  csrfToken: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

let counter = 0;

/** Creates a user of `role` on `communes` (or all), with valid approval and training, and signs in. */
export async function signIn(
  context: TestContext,
  role: Role,
  communes: string[] | 'all',
  options: { login?: string; approvalExpiresOn?: string | null; trainingDate?: string | null } = {},
): Promise<SignedIn> {
  const login = options.login ?? `${role}-${++counter}`;
  const user = await context.services.accounts.create(
    {
      login,
      role,
      password: testPassword,
      allCommunes: communes === 'all',
      communes: communes === 'all' ? [] : communes,
      approvalReference: role === 'police' ? null : 'AGR-2026-001',
      approvalExpiresOn: options.approvalExpiresOn === undefined ? (role === 'police' ? null : '2030-01-01') : options.approvalExpiresOn,
      trainingDate: options.trainingDate === undefined ? '2026-01-15' : options.trainingDate,
    },
    testCli,
  );
  await context.services.settings.set('totp_required_for_image_roles', false, testCli.actor);
  return signInExisting(context, login, testPassword, user.id);
}

export async function signInExisting(context: TestContext, login: string, password: string, userId = ''): Promise<SignedIn> {
  const response = await context.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${login} failed: ${response.statusCode} ${response.body}`);
  const cookie = cookieFrom(response);
  const body = response.json() as { csrfToken: string; stage: string; user: { id: string } };
  const signedIn: SignedIn = {
    login,
    userId: userId || body.user.id,
    cookie,
    csrfToken: body.csrfToken,
    request: (options) => context.app.inject({ ...options, headers: { cookie, 'x-csrf-token': body.csrfToken, ...options.headers } }),
  };
  return signedIn;
}

export function cookieFrom(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const first = (Array.isArray(header) ? header : [header ?? '']).find((value) => value.startsWith('vigie_session='));
  if (!first) throw new Error('no session cookie in the response');
  return first.split(';')[0]!;
}

export { totpCode };
