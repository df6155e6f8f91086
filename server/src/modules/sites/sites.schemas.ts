// Zod schemas of sites (points d'implantation): shared by routes, services and the console.
import { z } from 'zod';
import { inseeCode } from '../auth/index.ts';
import { plainText } from './input.ts';

export const siteKinds = [
  'school',
  'nursery',
  'station',
  'town_entrance',
  'market',
  'public_building',
  'park',
  'car_park',
  'sports_facility',
  'street',
  'event',
  'other',
] as const;
export type SiteKind = (typeof siteKinds)[number];

export const siteKindLabels: Record<SiteKind, { fr: string; en: string }> = {
  school: { fr: 'École', en: 'School' },
  nursery: { fr: 'Crèche', en: 'Nursery' },
  station: { fr: 'Gare', en: 'Station' },
  town_entrance: { fr: 'Entrée de ville', en: 'Town entrance' },
  market: { fr: 'Marché', en: 'Market' },
  public_building: { fr: 'Bâtiment public', en: 'Public building' },
  park: { fr: 'Parc, jardin', en: 'Park' },
  car_park: { fr: 'Parking', en: 'Car park' },
  sports_facility: { fr: 'Équipement sportif', en: 'Sports facility' },
  street: { fr: 'Voie publique', en: 'Street' },
  event: { fr: 'Événement', en: 'Event' },
  other: { fr: 'Autre', en: 'Other' },
};

export const latitudeSchema = z.number().min(-90).max(90);
export const longitudeSchema = z.number().min(-180).max(180);

export const siteCreateSchema = z.object({
  communeInsee: inseeCode,
  name: plainText(200),
  kind: z.enum(siteKinds),
  address: plainText(500).nullable().default(null),
  latitude: latitudeSchema.nullable().default(null),
  longitude: longitudeSchema.nullable().default(null),
});
export type SiteCreate = z.input<typeof siteCreateSchema>;

export const siteUpdateSchema = z
  .object({
    name: plainText(200).optional(),
    kind: z.enum(siteKinds).optional(),
    address: plainText(500).nullable().optional(),
    latitude: latitudeSchema.nullable().optional(),
    longitude: longitudeSchema.nullable().optional(),
  })
  .strict();
export type SiteUpdate = z.input<typeof siteUpdateSchema>;

export const siteViewSchema = z.object({
  id: z.string(),
  communeInsee: z.string(),
  name: z.string(),
  kind: z.enum(siteKinds),
  address: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SiteView = z.infer<typeof siteViewSchema>;

export const siteListQuerySchema = z.object({ commune: inseeCode.optional() });
