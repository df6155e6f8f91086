// Messages of the sign-in steps (password, second factor, enrolment).
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'signin.title': 'Connexion',
  'signin.subtitle': 'Accès réservé aux agents désignés et habilités.',
  'signin.login': 'Identifiant',
  'signin.password': 'Mot de passe',
  'signin.submit': 'Se connecter',
  'signin.submitting': 'Connexion…',
  'signin.notice': 'Toute connexion et toute consultation sont journalisées.',

  'totp.title': 'Second facteur',
  'totp.help': 'Saisissez le code à 6 chiffres affiché par votre application d’authentification, ou un code de secours (format xxxxx-xxxxx).',
  'totp.code': 'Code',
  'totp.submit': 'Valider',
  'totp.back': 'Changer de compte',

  'enrol.title': 'Activer le second facteur',
  'enrol.intro':
    'Votre rôle donne accès aux images : un second facteur (TOTP) est obligatoire. Ajoutez ce compte dans votre application d’authentification (FreeOTP, Aegis, Google Authenticator…).',
  'enrol.start': 'Générer ma clé',
  'enrol.secret': 'Clé secrète à saisir',
  'enrol.uri': 'Adresse otpauth (pour une saisie par lien)',
  'enrol.confirmHelp': 'Saisissez ensuite le code à 6 chiffres affiché par l’application pour confirmer.',
  'enrol.confirm': 'Confirmer',
  'enrol.codesTitle': 'Codes de secours',
  'enrol.codesHelp':
    'Ces 10 codes ne seront plus jamais affichés. Chacun remplace une fois le code de l’application si vous perdez votre téléphone. Conservez-les en lieu sûr (pas sur le poste de la salle).',
  'enrol.saved': 'Je les ai enregistrés',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'signin.title': 'Sign in',
  'signin.subtitle': 'Restricted to designated, authorised agents.',
  'signin.login': 'Login',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.submitting': 'Signing in…',
  'signin.notice': 'Every sign-in and every viewing is logged.',

  'totp.title': 'Second factor',
  'totp.help': 'Enter the 6-digit code shown by your authenticator app, or a recovery code (xxxxx-xxxxx).',
  'totp.code': 'Code',
  'totp.submit': 'Verify',
  'totp.back': 'Use another account',

  'enrol.title': 'Set up the second factor',
  'enrol.intro':
    'Your role gives access to images: a second factor (TOTP) is required. Add this account to your authenticator app (FreeOTP, Aegis, Google Authenticator…).',
  'enrol.start': 'Generate my key',
  'enrol.secret': 'Secret key to type in',
  'enrol.uri': 'otpauth address (for entry by link)',
  'enrol.confirmHelp': 'Then enter the 6-digit code shown by the app to confirm.',
  'enrol.confirm': 'Confirm',
  'enrol.codesTitle': 'Recovery codes',
  'enrol.codesHelp':
    'These 10 codes will never be shown again. Each one replaces the app’s code once if you lose your phone. Keep them somewhere safe (not on the control-room workstation).',
  'enrol.saved': 'I have saved them',
};

export const authMessages = { fr, en };
