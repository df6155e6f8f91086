// The error report of a CSV import: one entry per problem, with the physical line number
// (header = line 1), the column when there is one, a stable code and both languages.
import { maxRetentionDays, purposes } from '../authorisations/index.ts';
import { cameraKinds, fieldClasses } from './cameras.schemas.ts';

export const importErrorCodes = [
  'empty_file',
  'not_utf8',
  'csv_syntax',
  'missing_column',
  'unknown_column',
  'duplicate_column',
  'column_count',
  'missing_value',
  'invalid_value',
  'credentials_incomplete',
  'position_incomplete',
  'duplicate_name',
  'retention_out_of_bounds',
  'unknown_commune',
  'commune_out_of_scope',
  'unknown_site',
] as const;
export type ImportErrorCode = (typeof importErrorCodes)[number];

export interface ImportLineError {
  line: number;
  column?: string;
  code: ImportErrorCode;
  message_fr: string;
  message_en: string;
}

export interface ImportErrorParams {
  column?: string;
  value?: string | null;
  found?: number;
  expected?: number;
  firstLine?: number;
  detail?: string;
  communeInsee?: string;
  site?: string;
}

/** What each column expects, quoted in `invalid_value` messages. */
const expectations: Record<string, { fr: string; en: string }> = {
  commune_insee: { fr: 'code INSEE à 5 caractères, par ex. 38185 ou 2A004', en: 'INSEE code of 5 characters, e.g. 38185 or 2A004' },
  site: { fr: 'texte de 1 à 200 caractères ne commençant pas par = + - @', en: 'text of 1 to 200 characters not starting with = + - @' },
  name: { fr: 'texte de 1 à 100 caractères ne commençant pas par = + - @', en: 'text of 1 to 100 characters not starting with = + - @' },
  kind: { fr: `un de : ${cameraKinds.join(', ')}`, en: `one of: ${cameraKinds.join(', ')}` },
  field_class: { fr: `un de : ${fieldClasses.join(', ')}`, en: `one of: ${fieldClasses.join(', ')}` },
  latitude: { fr: 'nombre entre -90 et 90', en: 'number between -90 and 90' },
  longitude: { fr: 'nombre entre -180 et 180', en: 'number between -180 and 180' },
  heading_deg: { fr: 'nombre de degrés entre 0 et 360', en: 'degrees between 0 and 360' },
  model: { fr: 'texte de 1 à 200 caractères ne commençant pas par = + - @', en: 'text of 1 to 200 characters not starting with = + - @' },
  ip_address: { fr: 'adresse IPv4 ou IPv6', en: 'IPv4 or IPv6 address' },
  mac_address: { fr: 'adresse MAC AA:BB:CC:DD:EE:FF', en: 'MAC address AA:BB:CC:DD:EE:FF' },
  main_stream_url: { fr: 'URL rtsp:// ou rtsps://', en: 'rtsp:// or rtsps:// URL' },
  sub_stream_url: { fr: 'URL rtsp:// ou rtsps://', en: 'rtsp:// or rtsps:// URL' },
  onvif_url: { fr: 'URL http:// ou https://', en: 'http:// or https:// URL' },
  purposes: { fr: `finalités (L251-2) séparées par | parmi : ${purposes.join(', ')}`, en: `purposes (L251-2) separated by | among: ${purposes.join(', ')}` },
  commissioning_date: { fr: 'date AAAA-MM-JJ ou JJ/MM/AAAA', en: 'date YYYY-MM-DD or DD/MM/YYYY' },
  enabled: { fr: 'true/false, oui/non ou 1/0', en: 'true/false, yes/no or 1/0' },
  username: { fr: '200 caractères au plus', en: '200 characters at most' },
  password: { fr: '200 caractères au plus', en: '200 characters at most' },
  retention_days: { fr: `nombre entier de jours, de 1 à ${maxRetentionDays}`, en: `whole number of days, 1 to ${maxRetentionDays}` },
  recording_engine: { fr: 'native (moteur natif, par défaut) ou ffmpeg (secours)', en: 'native (native engine, the default) or ffmpeg (fallback)' },
  rtsp_transport: {
    fr: 'tcp (par défaut), udp ou auto (UDP, puis TCP si UDP ne passe pas)',
    en: 'tcp (the default), udp or auto (UDP, then TCP if UDP does not get through)',
  },
};

function messages(code: ImportErrorCode, p: ImportErrorParams): { fr: string; en: string } {
  const column = p.column ?? '';
  const value = p.value === undefined || p.value === null ? '' : ` « ${p.value} »`;
  const valueEn = p.value === undefined || p.value === null ? '' : ` "${p.value}"`;
  const expected = expectations[column] ?? { fr: 'valeur valide', en: 'a valid value' };
  switch (code) {
    case 'empty_file':
      return { fr: 'Le fichier ne contient aucune caméra.', en: 'The file holds no camera.' };
    case 'not_utf8':
      return {
        fr: 'Le fichier n’est pas encodé en UTF-8 (caractère illisible) : dans Excel, enregistrez-le au format « CSV UTF-8 ».',
        en: 'The file is not UTF-8 encoded (unreadable character): in Excel, save it as "CSV UTF-8".',
      };
    case 'csv_syntax':
      return { fr: `Syntaxe CSV invalide : ${p.detail ?? ''}`, en: `Invalid CSV syntax: ${p.detail ?? ''}` };
    case 'missing_column':
      return { fr: `Colonne obligatoire absente de l’en-tête : ${column}.`, en: `Required column missing from the header: ${column}.` };
    case 'unknown_column':
      return { fr: `Colonne inconnue : ${column}.`, en: `Unknown column: ${column}.` };
    case 'duplicate_column':
      return { fr: `Colonne présente deux fois : ${column}.`, en: `Column given twice: ${column}.` };
    case 'column_count':
      return { fr: `La ligne a ${p.found} champs, l’en-tête en a ${p.expected}.`, en: `The line has ${p.found} fields, the header has ${p.expected}.` };
    case 'missing_value':
      return { fr: `Colonne ${column} : valeur obligatoire.`, en: `Column ${column}: a value is required.` };
    case 'invalid_value':
      return {
        fr: `Colonne ${column} : valeur${value} invalide (attendu : ${expected.fr}).`,
        en: `Column ${column}: invalid value${valueEn} (expected: ${expected.en}).`,
      };
    case 'credentials_incomplete':
      return { fr: 'Mot de passe donné sans identifiant.', en: 'Password given without a username.' };
    case 'position_incomplete':
      return { fr: 'Latitude et longitude vont ensemble : renseignez les deux ou aucune.', en: 'Latitude and longitude go together: give both or neither.' };
    case 'duplicate_name':
      return {
        fr: `La caméra${value} figure déjà ligne ${p.firstLine} pour la même commune.`,
        en: `Camera${valueEn} already appears on line ${p.firstLine} for the same commune.`,
      };
    case 'retention_out_of_bounds':
      return {
        fr: `Colonne retention_days : conservation${value} refusée${p.detail ? ` : ${p.detail}` : ` (1 à ${maxRetentionDays} jours selon la loi)`}.`,
        en: `Column retention_days: retention${valueEn} refused${p.detail ? `: ${p.detail}` : ` (1 to ${maxRetentionDays} days by law)`}.`,
      };
    case 'unknown_commune':
      return { fr: `Commune inconnue : ${p.communeInsee}.`, en: `Unknown commune: ${p.communeInsee}.` };
    case 'commune_out_of_scope':
      return { fr: `La commune ${p.communeInsee} est hors de votre périmètre.`, en: `Commune ${p.communeInsee} is outside your scope.` };
    case 'unknown_site':
      return {
        fr: `Site inconnu dans la commune ${p.communeInsee} : « ${p.site} » (créez-le, ou importez avec createSites=true).`,
        en: `Unknown site in commune ${p.communeInsee}: "${p.site}" (create it, or import with createSites=true).`,
      };
  }
}

export function lineError(line: number, code: ImportErrorCode, params: ImportErrorParams): ImportLineError {
  const { fr, en } = messages(code, params);
  return params.column ? { line, column: params.column, code, message_fr: fr, message_en: en } : { line, code, message_fr: fr, message_en: en };
}
