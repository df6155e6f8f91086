// ONVIF events over a PullPoint subscription (ONVIF core, events service ver10; WS-BaseNotification
// for Renew and Unsubscribe), pure: the requests, the WS-Addressing header a subscription wants,
// the readers of the answers, and the classification of a notification into what Vigie keeps
// (motion, the camera's own tamper detection, digital inputs, video loss).
import { child, escapeXml, formatDuration, list, text, type XmlNode } from './soap.ts';

const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';

export const eventRequests = {
  createPullPointSubscription: (terminationMs: number) =>
    `<tev:CreatePullPointSubscription><tev:InitialTerminationTime>${formatDuration(terminationMs)}</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`,
  pullMessages: (timeoutMs: number, limit: number) =>
    `<tev:PullMessages><tev:Timeout>${formatDuration(timeoutMs)}</tev:Timeout><tev:MessageLimit>${Math.max(1, Math.floor(limit))}</tev:MessageLimit></tev:PullMessages>`,
  renew: (terminationMs: number) => `<wsnt:Renew><wsnt:TerminationTime>${formatDuration(terminationMs)}</wsnt:TerminationTime></wsnt:Renew>`,
  unsubscribe: () => `<wsnt:Unsubscribe/>`,
};

const ACTIONS: Record<string, string> = {
  CreatePullPointSubscription: `${TEV}/EventPortType/CreatePullPointSubscriptionRequest`,
  PullMessages: `${TEV}/PullPointSubscription/PullMessagesRequest`,
  Renew: `${WSNT}/SubscriptionManager/RenewRequest`,
  Unsubscribe: `${WSNT}/SubscriptionManager/UnsubscribeRequest`,
};

/** The WS-Addressing action URI of one of these requests. */
export function eventAction(bodyXml: string): string {
  const name = /^<\w+:(\w+)/.exec(bodyXml)?.[1] ?? '';
  return ACTIONS[name] ?? '';
}

/** Headers a subscription manager expects: To (its address), Action, and the reference parameters it handed out, echoed back. */
export function addressingHeader(bodyXml: string, to: string, referenceParameters: string | null): string {
  return `<wsa:Action>${escapeXml(eventAction(bodyXml))}</wsa:Action><wsa:To>${escapeXml(to)}</wsa:To>${referenceParameters ?? ''}`;
}

export interface PullPointReference {
  address: string;
  /** The reference parameters the camera gave, as header elements to echo (null: none). */
  referenceParameters: string | null;
  terminationTime: string | null;
}

/** Reference parameters cameras are known to hand out, with the namespace they must be echoed in. */
const REFERENCE_NAMESPACES: Record<string, string> = { SubscriptionId: 'http://www.axis.com/2009/event' };

/**
 * CreatePullPointSubscriptionResponse: the subscription's address; null when absent. Reference
 * parameters (the answer is read without namespace prefixes) are rebuilt as simple elements,
 * in the namespace known for them, and marked as WS-Addressing reference parameters.
 */
export function readSubscription(body: XmlNode): PullPointReference | null {
  const reference = child(body, 'SubscriptionReference');
  const address = text(child(reference, 'Address'));
  if (!address) return null;
  const parameters = child(reference, 'ReferenceParameters');
  const rebuilt: string[] = [];
  if (parameters && typeof parameters === 'object') {
    for (const [name, value] of Object.entries(parameters as XmlNode)) {
      const content = text(value);
      if (name.startsWith('@') || name === '#text' || content === undefined || !/^[A-Za-z_][\w.-]{0,60}$/.test(name)) continue;
      const namespace = REFERENCE_NAMESPACES[name];
      rebuilt.push(`<${name}${namespace ? ` xmlns="${namespace}"` : ''} wsa:IsReferenceParameter="true">${escapeXml(content.slice(0, 500))}</${name}>`);
    }
  }
  return {
    address,
    referenceParameters: rebuilt.length > 0 ? rebuilt.slice(0, 8).join('') : null,
    terminationTime: text(child(body, 'TerminationTime')) ?? null,
  };
}

export type CameraEventKind = 'motion' | 'tamper' | 'input' | 'video_loss';
export type TamperKind = 'scene_change' | 'too_dark' | 'too_blurry' | 'too_bright' | 'tamper';

export interface CameraEvent {
  kind: CameraEventKind;
  tamper: TamperKind | null;
  topic: string;
  /** The state the camera reports (motion on, input active...). */
  active: boolean;
  /** `Initialized`: the state when the subscription began, not a change. */
  initial: boolean;
  /** The camera's time of the event (ISO), when given. */
  utcTime: string | null;
  /** The source item (video source token, input token). */
  source: string | null;
}

/** A topic (prefix dropped) and the data item that carries its state. */
const TOPICS: Array<{ pattern: RegExp; kind: CameraEventKind; tamper?: TamperKind }> = [
  { pattern: /^VideoSource\/MotionAlarm$/, kind: 'motion' },
  { pattern: /^RuleEngine\/CellMotionDetector\/Motion$/, kind: 'motion' },
  { pattern: /^RuleEngine\/MotionRegionDetector\/Motion$/, kind: 'motion' },
  { pattern: /^VideoSource\/GlobalSceneChange(\/|$)/, kind: 'tamper', tamper: 'scene_change' },
  { pattern: /^VideoSource\/ImageTooDark(\/|$)/, kind: 'tamper', tamper: 'too_dark' },
  { pattern: /^VideoSource\/ImageTooBlurry(\/|$)/, kind: 'tamper', tamper: 'too_blurry' },
  { pattern: /^VideoSource\/ImageTooBright(\/|$)/, kind: 'tamper', tamper: 'too_bright' },
  { pattern: /^RuleEngine\/TamperDetector\/Tamper$/, kind: 'tamper', tamper: 'tamper' },
  { pattern: /^Device\/Trigger\/DigitalInput$/, kind: 'input' },
  { pattern: /^VideoSource\/SignalLoss$/, kind: 'video_loss' },
];
const STATE_ITEMS = new Set(['State', 'IsMotion', 'IsTamper', 'LogicalState', 'Value', 'Level', 'Signal']);

function simpleItems(node: unknown): Map<string, string> {
  const items = new Map<string, string>();
  for (const item of list(child(node, 'SimpleItem'))) {
    const name = child(item, '@Name');
    const value = child(item, '@Value');
    if (typeof name === 'string' && typeof value === 'string') items.set(name, value);
  }
  return items;
}

/** `tns1:VideoSource/MotionAlarm` -> `VideoSource/MotionAlarm` (each segment's prefix dropped). */
export function normaliseTopic(topic: string): string {
  return topic
    .trim()
    .split('/')
    .map((segment) => segment.replace(/^\w+:/, ''))
    .join('/');
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|active|on|closed)$/i.test(value.trim());
}

/** One NotificationMessage, classified; null for a topic Vigie does not keep. */
export function classifyNotification(notification: unknown): CameraEvent | null {
  const topic = normaliseTopic(text(child(notification, 'Topic')) ?? '');
  const rule = TOPICS.find((candidate) => candidate.pattern.test(topic));
  if (!rule) return null;
  const message = child(child(notification, 'Message'), 'Message');
  const data = simpleItems(child(message, 'Data'));
  const source = simpleItems(child(message, 'Source'));
  const stateName = [...data.keys()].find((name) => STATE_ITEMS.has(name)) ?? [...data.keys()][0];
  const operation = child(message, '@PropertyOperation');
  const utcTime = child(message, '@UtcTime');
  return {
    kind: rule.kind,
    tamper: rule.tamper ?? null,
    topic,
    active: isTrue(stateName === undefined ? undefined : data.get(stateName)),
    initial: operation === 'Initialized',
    utcTime: typeof utcTime === 'string' ? utcTime : null,
    source: [...source.values()][0] ?? null,
  };
}

export interface PullResult {
  events: CameraEvent[];
  /** Notifications received, kept or not. */
  received: number;
  terminationTime: string | null;
}

export function readPullMessages(body: XmlNode): PullResult {
  const notifications = list(child(body, 'NotificationMessage'));
  return {
    events: notifications.map(classifyNotification).filter((event): event is CameraEvent => event !== null),
    received: notifications.length,
    terminationTime: text(child(body, 'TerminationTime')) ?? null,
  };
}
