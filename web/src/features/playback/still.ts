// The still image ("image fixe") of a played frame: the caption printed under the picture
// (camera, commune, Paris date and time to the millisecond), its layout and the file name.
// Pure; the canvas drawing itself is in stillImage.ts. Tested by still.test.ts.
import { translate, type Language } from '../../i18n/translate.ts';
import { formatParisDateTime, utcIsoToParisLocal } from '../../lib/dates.ts';

export interface StillFacts {
  cameraName: string;
  communeName: string;
  wallMs: number;
  language: Language;
}

/** "Parvis Est · Vigie-les-Bains (38999) · 23/11/2026 11:05:09,250 (heure de Paris)". */
export function stillCaption(facts: StillFacts): string {
  const iso = new Date(facts.wallMs).toISOString();
  const millis = String(new Date(facts.wallMs).getUTCMilliseconds()).padStart(3, '0');
  const separator = facts.language === 'fr' ? ',' : '.';
  return [
    facts.cameraName,
    facts.communeName,
    `${formatParisDateTime(iso, facts.language)}${separator}${millis} (${translate(facts.language, 'common.parisTime')})`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export interface CaptionLayout {
  /** Height of the band added under the picture: no pixel of the picture is covered. */
  bandHeight: number;
  fontPx: number;
  paddingX: number;
}

/** A band readable at any picture width: 2.2 % of the width for the text, 14 px at least. */
export function captionLayout(pictureWidth: number): CaptionLayout {
  const fontPx = Math.max(14, Math.round(pictureWidth * 0.022));
  return { bandHeight: Math.round(fontPx * 1.9), fontPx, paddingX: Math.round(fontPx * 0.6) };
}

/** "vigie_parvis-est_20261123-110509.png": Paris time, camera name without accents or spaces. */
export function stillFileName(cameraName: string, wallMs: number): string {
  const slug =
    cameraName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'camera';
  const local = utcIsoToParisLocal(new Date(wallMs).toISOString());
  const seconds = String(new Date(wallMs).getUTCSeconds()).padStart(2, '0');
  return `vigie_${slug}_${local.slice(0, 10).replace(/-/g, '')}-${local.slice(11, 16).replace(':', '')}${seconds}.png`;
}
