// Password hashing (argon2id, OWASP parameters) and the strength rule checked on every set.
import argon2 from 'argon2';
import { DomainError } from '../../platform/errors.ts';

const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;
/** Spends the same time as a real check, so that unknown logins cannot be told apart. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('vigie-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
}

const commonPasswords = new Set([
  'motdepasse123',
  'azertyuiop123',
  'password1234',
  'administrateur',
  'videoprotection',
  '123456789012',
  'qwertyuiop123',
  'bienvenue2026',
]);

export const minimumPasswordLength = 12;

/** The CNIL's recommendation: at least 12 characters mixing at least three kinds of characters. */
export function passwordProblems(password: string, login: string): { fr: string; en: string }[] {
  const problems: { fr: string; en: string }[] = [];
  if (password.length < minimumPasswordLength)
    problems.push({ fr: `au moins ${minimumPasswordLength} caractères`, en: `at least ${minimumPasswordLength} characters` });
  if (password.length > 256) problems.push({ fr: '256 caractères au plus', en: 'at most 256 characters' });
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  if (kinds < 3)
    problems.push({
      fr: 'au moins trois types parmi minuscules, majuscules, chiffres, symboles',
      en: 'at least three of: lower case, upper case, digits, symbols',
    });
  if (login.length >= 3 && password.toLowerCase().includes(login.toLowerCase()))
    problems.push({ fr: 'ne doit pas contenir l’identifiant', en: 'must not contain the login' });
  if (commonPasswords.has(password.toLowerCase())) problems.push({ fr: 'trop courant', en: 'too common' });
  return problems;
}

export function assertStrongPassword(password: string, login: string): void {
  const problems = passwordProblems(password, login);
  if (problems.length > 0) {
    throw new DomainError('weak_password', {
      fr: `Mot de passe trop faible : ${problems.map((problem) => problem.fr).join(' ; ')}.`,
      en: `Password too weak: ${problems.map((problem) => problem.en).join('; ')}.`,
      details: problems.map((problem) => problem.en),
    });
  }
}
