// The ONVIF events service of a simulated camera (events ver10, PullPoint): events raised on
// command (motion, tamper: scene change / too dark / too blurry, digital input, video loss) are
// queued for every live subscription; a subscription is created with a termination time, pulled
// (a long poll that answers as soon as a message is queued), renewed, unsubscribed, and dies
// past its termination or when the camera reboots, as on a real camera. A new subscription first
// gets the current state of every property (PropertyOperation="Initialized").
import { z } from 'zod';
import { escapeXml } from './soap.ts';

const MAX_SUBSCRIPTIONS = 16;
const MAX_QUEUED = 1000;
const MAX_PULL_WAIT_MS = 60_000;

export const cameraEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('motion'), active: z.boolean().default(true) }),
  z.object({ kind: z.literal('tamper'), tamper: z.enum(['scene_change', 'too_dark', 'too_blurry']), active: z.boolean().default(true) }),
  z.object({
    kind: z.literal('input'),
    input: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,20}$/)
      .default('1'),
    active: z.boolean().default(true),
  }),
  z.object({ kind: z.literal('video_loss'), active: z.boolean().default(true) }),
  /** Drops every subscription; the camera is unreachable for `downSeconds`. */
  z.object({ kind: z.literal('reboot'), downSeconds: z.number().min(0).max(120).default(2) }),
]);
export type CameraEventCommand = z.input<typeof cameraEventSchema>;
export type ParsedCameraEvent = z.output<typeof cameraEventSchema>;

interface PropertyMessage {
  topic: string;
  source: [string, string];
  data: [string, string];
  operation: 'Initialized' | 'Changed';
  utcTime: string;
}

interface Subscription {
  id: number;
  terminationMs: number;
  queue: PropertyMessage[];
  waiter: (() => void) | undefined;
}

const TAMPER_TOPICS = {
  scene_change: 'GlobalSceneChange/ImagingService',
  too_dark: 'ImageTooDark/ImagingService',
  too_blurry: 'ImageTooBlurry/ImagingService',
} as const;

/** One camera's events: the current state of each property and the subscriptions that follow it. */
export class CameraEvents {
  private readonly subscriptions = new Map<number, Subscription>();
  /** Property key -> its last message (the state a new subscription is told first). */
  private readonly state = new Map<string, Omit<PropertyMessage, 'operation'>>();
  private nextId = 1;

  constructor(private readonly nowMs: () => number) {}

  get subscriptionCount(): number {
    this.expire();
    return this.subscriptions.size;
  }

  /** Publishes a state change to every subscription (reboot is the camera's business, not this one's). */
  publish(event: Exclude<ParsedCameraEvent, { kind: 'reboot' }>): void {
    const utcTime = new Date(this.nowMs()).toISOString();
    const base =
      event.kind === 'motion'
        ? {
            topic: 'tns1:VideoSource/MotionAlarm',
            source: ['Source', 'VideoSource_1'] as [string, string],
            data: ['State', String(event.active)] as [string, string],
          }
        : event.kind === 'tamper'
          ? {
              topic: `tns1:VideoSource/${TAMPER_TOPICS[event.tamper]}`,
              source: ['Source', 'VideoSource_1'] as [string, string],
              data: ['State', String(event.active)] as [string, string],
            }
          : event.kind === 'input'
            ? {
                topic: 'tns1:Device/Trigger/DigitalInput',
                source: ['InputToken', event.input] as [string, string],
                data: ['LogicalState', String(event.active)] as [string, string],
              }
            : {
                topic: 'tns1:VideoSource/SignalLoss',
                source: ['Source', 'VideoSource_1'] as [string, string],
                data: ['State', String(event.active)] as [string, string],
              };
    const message = { ...base, utcTime };
    this.state.set(`${base.topic}|${base.source[1]}`, message);
    this.expire();
    for (const subscription of this.subscriptions.values()) this.enqueue(subscription, { ...message, operation: 'Changed' });
  }

  /** A reboot: every subscription is gone, the properties are back to their rest state. */
  reset(): void {
    for (const subscription of this.subscriptions.values()) subscription.waiter?.();
    this.subscriptions.clear();
    this.state.clear();
  }

  create(terminationMs: number): Subscription | undefined {
    this.expire();
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) return undefined;
    const subscription: Subscription = { id: this.nextId++, terminationMs: this.nowMs() + terminationMs, queue: [], waiter: undefined };
    for (const message of this.state.values()) subscription.queue.push({ ...message, operation: 'Initialized', utcTime: new Date(this.nowMs()).toISOString() });
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  find(id: number): Subscription | undefined {
    this.expire();
    return this.subscriptions.get(id);
  }

  renew(id: number, terminationMs: number): Subscription | undefined {
    const subscription = this.find(id);
    if (subscription) subscription.terminationMs = this.nowMs() + terminationMs;
    return subscription;
  }

  unsubscribe(id: number): boolean {
    const subscription = this.subscriptions.get(id);
    subscription?.waiter?.();
    return this.subscriptions.delete(id);
  }

  /** Waits up to `timeoutMs` for a message; answers what is queued (at most `limit`). */
  async pull(subscription: Subscription, timeoutMs: number, limit: number): Promise<PropertyMessage[]> {
    if (subscription.queue.length === 0) {
      const wait = Math.min(Math.max(0, timeoutMs), MAX_PULL_WAIT_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), wait);
        const done = () => {
          clearTimeout(timer);
          subscription.waiter = undefined;
          resolve();
        };
        subscription.waiter = done;
      });
    }
    return subscription.queue.splice(0, Math.max(1, limit));
  }

  private enqueue(subscription: Subscription, message: PropertyMessage): void {
    if (subscription.queue.length >= MAX_QUEUED) subscription.queue.shift();
    subscription.queue.push(message);
    subscription.waiter?.();
  }

  private expire(): void {
    const now = this.nowMs();
    for (const [id, subscription] of this.subscriptions) {
      if (subscription.terminationMs <= now) {
        subscription.waiter?.();
        this.subscriptions.delete(id);
      }
    }
  }
}

const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSA = 'http://www.w3.org/2005/08/addressing';
const TNS1 = 'http://www.onvif.org/ver10/topics';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function subscriptionResponse(address: string, nowMs: number, terminationMs: number): string {
  return (
    `<tev:CreatePullPointSubscriptionResponse xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}" xmlns:wsa="${WSA}">` +
    `<tev:SubscriptionReference><wsa:Address>${escapeXml(address)}</wsa:Address></tev:SubscriptionReference>` +
    `<wsnt:CurrentTime>${iso(nowMs)}</wsnt:CurrentTime><wsnt:TerminationTime>${iso(terminationMs)}</wsnt:TerminationTime>` +
    `</tev:CreatePullPointSubscriptionResponse>`
  );
}

function notification(message: PropertyMessage): string {
  return (
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${message.topic}</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${message.utcTime}" PropertyOperation="${message.operation}">` +
    `<tt:Source><tt:SimpleItem Name="${message.source[0]}" Value="${escapeXml(message.source[1])}"/></tt:Source>` +
    `<tt:Data><tt:SimpleItem Name="${message.data[0]}" Value="${message.data[1]}"/></tt:Data>` +
    `</tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}

export function pullMessagesResponse(messages: readonly PropertyMessage[], nowMs: number, terminationMs: number): string {
  return (
    `<tev:PullMessagesResponse xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}" xmlns:tns1="${TNS1}">` +
    `<tev:CurrentTime>${iso(nowMs)}</tev:CurrentTime><tev:TerminationTime>${iso(terminationMs)}</tev:TerminationTime>` +
    messages.map(notification).join('') +
    `</tev:PullMessagesResponse>`
  );
}

export function renewResponse(nowMs: number, terminationMs: number): string {
  return `<wsnt:RenewResponse xmlns:wsnt="${WSNT}"><wsnt:TerminationTime>${iso(terminationMs)}</wsnt:TerminationTime><wsnt:CurrentTime>${iso(nowMs)}</wsnt:CurrentTime></wsnt:RenewResponse>`;
}

export function unsubscribeResponse(): string {
  return `<wsnt:UnsubscribeResponse xmlns:wsnt="${WSNT}"/>`;
}

export function eventServiceCapabilities(): string {
  return `<tev:GetServiceCapabilitiesResponse xmlns:tev="${TEV}"><tev:Capabilities WSSubscriptionPolicySupport="false" WSPullPointSupport="true" WSPausableSubscriptionManagerInterfaceSupport="false" MaxNotificationProducers="0" MaxPullPoints="${MAX_SUBSCRIPTIONS}"/></tev:GetServiceCapabilitiesResponse>`;
}

/** What the events endpoint needs of its camera. */
export interface EventsCamera {
  events: CameraEvents;
  cameraTimeMs(): number;
  serviceUrl(service: 'events'): string;
}

export const EVENT_ACTIONS = new Set(['GetEventProperties', 'GetServiceCapabilities', 'CreatePullPointSubscription', 'PullMessages', 'Renew', 'Unsubscribe']);
const DEFAULT_TERMINATION_MS = 60_000;
const MAX_TERMINATION_MS = 3_600_000;

export type EventsAnswer = { ok: true; xml: string } | { ok: false; status: number; subcode: string; reason: string };

/** Relative (PT60S) or absolute (an instant) termination, in ms from now; the camera's default when absent. */
function terminationOf(value: string | undefined, nowMs: number, parseDurationMs: (value: string | undefined) => number | undefined): number {
  if (!value) return DEFAULT_TERMINATION_MS;
  const relative = parseDurationMs(value);
  const ms = relative ?? Date.parse(value) - nowMs;
  return Number.isFinite(ms) ? Math.min(MAX_TERMINATION_MS, Math.max(1000, ms)) : DEFAULT_TERMINATION_MS;
}

/** The subscription a request path names (`/onvif/subscription/<id>`). */
export function subscriptionIdOf(path: string): number | undefined {
  const match = /^\/onvif\/subscription\/(\d{1,9})$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/**
 * One events action: CreatePullPointSubscription on the events service; PullMessages, Renew and
 * Unsubscribe on the subscription's own address. `text` and `parseDurationMs` are the SOAP helpers.
 */
export async function answerEventAction(
  action: string,
  body: Record<string, unknown>,
  path: string,
  camera: EventsCamera,
  helpers: { text(node: unknown): string | undefined; parseDurationMs(value: string | undefined): number | undefined },
): Promise<EventsAnswer> {
  const now = camera.cameraTimeMs();
  if (action === 'GetServiceCapabilities') return { ok: true, xml: eventServiceCapabilities() };
  if (action === 'GetEventProperties')
    return { ok: true, xml: `<tev:GetEventPropertiesResponse xmlns:tev="${TEV}"><tev:FixedTopicSet>true</tev:FixedTopicSet></tev:GetEventPropertiesResponse>` };
  if (action === 'CreatePullPointSubscription') {
    const termination = terminationOf(helpers.text(body.InitialTerminationTime), now, helpers.parseDurationMs);
    const subscription = camera.events.create(termination);
    if (!subscription) return { ok: false, status: 400, subcode: 'ter:MaxNotificationProducers', reason: 'too many subscriptions' };
    const address = camera.serviceUrl('events').replace(/\/events_service$/, `/subscription/${subscription.id}`);
    return { ok: true, xml: subscriptionResponse(address, now, subscription.terminationMs) };
  }
  const id = subscriptionIdOf(path);
  const subscription = id === undefined ? undefined : camera.events.find(id);
  if (!subscription)
    return { ok: false, status: 400, subcode: 'wsrf-rw:ResourceUnknownFault', reason: 'no such subscription (expired, unsubscribed or the camera restarted)' };
  if (action === 'PullMessages') {
    const timeoutMs = helpers.parseDurationMs(helpers.text(body.Timeout)) ?? 5000;
    const limit = Number(helpers.text(body.MessageLimit) ?? 100);
    const messages = await camera.events.pull(subscription, timeoutMs, Number.isFinite(limit) ? Math.min(1000, limit) : 100);
    return { ok: true, xml: pullMessagesResponse(messages, camera.cameraTimeMs(), subscription.terminationMs) };
  }
  if (action === 'Renew') {
    camera.events.renew(subscription.id, terminationOf(helpers.text(body.TerminationTime), now, helpers.parseDurationMs));
    return { ok: true, xml: renewResponse(now, subscription.terminationMs) };
  }
  camera.events.unsubscribe(subscription.id);
  return { ok: true, xml: unsubscribeResponse() };
}
