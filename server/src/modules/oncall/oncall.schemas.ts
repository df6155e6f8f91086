// The API shapes of the on-call chain (zod only): services, people, rotas, overrides, who is
// on duty, notifications. Every string and array is bounded.
import { z } from 'zod';

export const serviceKinds = ['elected', 'management', 'technical', 'other'] as const;
export const notificationStates = ['pending', 'sent', 'failed', 'acknowledged', 'escalated'] as const;
export type NotificationState = (typeof notificationStates)[number];

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(100);
const insee = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'INSEE code');
const instant = z.iso.datetime({ offset: true });
const webhookUrl = z.string().trim().max(500).url();

const serviceFields = {
  name: text(200).describe('« Élu d’astreinte », « Direction générale », « Services techniques »...'),
  kind: z.enum(serviceKinds),
  communeInsee: insee.nullable().describe('null: centre-wide'),
  escalationMinutes: z.number().int().min(1).max(240).nullable().describe('null: the configured delay (VIGIE_ONCALL_ESCALATION_MINUTES)'),
  webhookUrl: webhookUrl.nullable().describe('SMS gateway: https://, or http:// on loopback only'),
};
export const serviceInputSchema = z
  .object({
    ...serviceFields,
    communeInsee: serviceFields.communeInsee.default(null),
    escalationMinutes: serviceFields.escalationMinutes.default(null),
    webhookUrl: serviceFields.webhookUrl.default(null),
  })
  .strict();
export const servicePatchSchema = z.object(serviceFields).partial().strict();
export const serviceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(serviceKinds),
  communeInsee: z.string().nullable(),
  escalationMinutes: z.number().int().nullable(),
  webhookUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** At creation, and when the webhook URL is first set: its HMAC secret, shown once. */
export const serviceWithSecretSchema = serviceViewSchema.extend({ webhookSecret: z.string().nullable() });
export type ServiceView = z.infer<typeof serviceViewSchema>;

const personFields = {
  name: text(200),
  role: text(200).describe('fonction: maire adjoint, DGS, responsable voirie...'),
  email: z.string().trim().max(254).email().nullable(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .-]{6,20}$/, 'phone number')
    .nullable(),
};
export const personInputSchema = z.object({ ...personFields, email: personFields.email.default(null), phone: personFields.phone.default(null) }).strict();
export const personPatchSchema = z.object(personFields).partial().strict();
export const personViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PersonView = z.infer<typeof personViewSchema>;

const rotaFields = {
  serviceId: id,
  personId: id,
  level: z.number().int().min(1).max(5).describe('1: primary, 2: first backup...'),
  startsAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
    .describe('first shift, Paris wall-clock (YYYY-MM-DDTHH:mm)'),
  rrule: z.string().trim().min(1).max(300).describe('RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=MO (no DTSTART, no TZID: Paris time)'),
  durationMinutes: z.number().int().min(15).max(44_640),
};
export const rotaInputSchema = z.object(rotaFields).strict();
export const rotaPatchSchema = z.object(rotaFields).omit({ serviceId: true }).partial().strict();
export const rotaViewSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  personId: z.string(),
  level: z.number().int(),
  startsAt: z.string(),
  rrule: z.string(),
  durationMinutes: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RotaView = z.infer<typeof rotaViewSchema>;

const overrideFields = {
  serviceId: id,
  replacedPersonId: id,
  replacementPersonId: id,
  from: instant,
  to: instant,
  reason: text(500),
};
export const overrideInputSchema = z.object(overrideFields).strict();
export const overridePatchSchema = z.object(overrideFields).omit({ serviceId: true }).partial().strict();
export const overrideViewSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  replacedPersonId: z.string(),
  replacementPersonId: z.string(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OverrideView = z.infer<typeof overrideViewSchema>;

export const shiftViewSchema = z.object({
  rotaId: z.string(),
  personId: z.string(),
  personName: z.string(),
  level: z.number().int(),
  from: z.string(),
  to: z.string(),
  replacing: z.string().nullable(),
});
export type ShiftView = z.infer<typeof shiftViewSchema>;
export const dutyNowSchema = z.object({
  at: z.string(),
  services: z.array(z.object({ service: serviceViewSchema, onDuty: z.array(shiftViewSchema), next: z.array(shiftViewSchema) })),
});
export const weekQuerySchema = z.object({ from: instant.optional(), days: z.coerce.number().int().min(1).max(31).default(7) }).strict();

export const notificationViewSchema = z.object({
  id: z.string(),
  chainId: z.string(),
  position: z.number().int(),
  serviceId: z.string(),
  personId: z.string(),
  personName: z.string().nullable(),
  alarmId: z.string().nullable(),
  communeInsee: z.string().nullable(),
  subject: z.string(),
  state: z.enum(notificationStates),
  channels: z.array(z.string()),
  deliveredChannels: z.array(z.string()),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
});
export type NotificationView = z.infer<typeof notificationViewSchema>;
export const notificationQuerySchema = z.object({ alarmId: id }).strict();
