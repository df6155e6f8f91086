// Closed lists of LEGAL 2 and 17: the purposes a prefectoral authorisation may allow
// (Code de la sécurité intérieure, L251-2) and the recipients it may name (L252-3).

export const purposes = [
  'public_buildings',
  'national_defence',
  'traffic_regulation',
  'traffic_offences',
  'people_property_safety',
  'terrorism_prevention',
  'natural_technological_risks',
  'rescue_fire',
  'amusement_parks',
  'vehicle_insurance',
  'illegal_dumping',
] as const;
export type Purpose = (typeof purposes)[number];

export const purposeLabels: Record<Purpose, { fr: string; en: string }> = {
  public_buildings: { fr: 'Protection des bâtiments et installations publics et de leurs abords', en: 'Protection of public buildings and their surroundings' },
  national_defence: { fr: 'Sauvegarde des installations utiles à la défense nationale', en: 'Safeguarding national-defence installations' },
  traffic_regulation: { fr: 'Régulation des flux de transport', en: 'Traffic regulation' },
  traffic_offences: { fr: 'Constatation des infractions aux règles de la circulation', en: 'Detection of traffic offences' },
  people_property_safety: { fr: 'Prévention des atteintes à la sécurité des personnes et des biens', en: 'Security of people and property' },
  terrorism_prevention: { fr: 'Prévention d’actes de terrorisme', en: 'Terrorism prevention' },
  natural_technological_risks: { fr: 'Prévention des risques naturels ou technologiques', en: 'Natural or technological risk prevention' },
  rescue_fire: { fr: 'Secours aux personnes et défense contre l’incendie', en: 'Rescue and fire protection' },
  amusement_parks: { fr: 'Sécurité des installations accueillant du public dans les parcs d’attraction', en: 'Safety of amusement-park facilities' },
  vehicle_insurance: { fr: 'Respect de l’obligation d’assurance des véhicules', en: 'Vehicle insurance obligation' },
  illegal_dumping: { fr: 'Prévention et constatation des dépôts sauvages de déchets', en: 'Illegal dumping' },
};

export const recipients = ['national_police', 'gendarmerie', 'municipal_police', 'fire_rescue', 'customs', 'transport_security', 'partner'] as const;
export type Recipient = (typeof recipients)[number];

export const recipientLabels: Record<Recipient, { fr: string; en: string }> = {
  national_police: { fr: 'Police nationale', en: 'National police' },
  gendarmerie: { fr: 'Gendarmerie nationale', en: 'Gendarmerie' },
  municipal_police: { fr: 'Police municipale', en: 'Municipal police' },
  fire_rescue: { fr: 'Services d’incendie et de secours', en: 'Fire and rescue services' },
  customs: { fr: 'Douanes', en: 'Customs' },
  transport_security: { fr: 'Services de sécurité des transports', en: 'Transport security services' },
  partner: { fr: 'Partenaire conventionné', en: 'Partner under agreement' },
};

/** LEGAL 6: recordings are kept at most one month. */
export const maxRetentionDays = 30;
/** LEGAL 1: an authorisation lasts at most 5 years. */
export const maxAuthorisationYears = 5;
/** LEGAL 1: the renewal file is due 4 months before expiry. */
export const renewalNoticeDays = 120;
