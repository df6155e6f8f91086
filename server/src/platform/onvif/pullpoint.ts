// One PullPoint subscription to one camera over the ONVIF client: created with a termination
// time, pulled (a short long-poll), renewed before it ends (or replaced by a new one when the
// camera does not take Renew), unsubscribed on close. A pull that fails means the subscription
// is gone (camera rebooted, unreachable, subscription expired): the caller opens a new one.
import type { OnvifCamera, OnvifClient } from './client.ts';
import { addressingHeader, eventRequests, readPullMessages, readSubscription, type PullPointReference, type PullResult } from './events.ts';
import { OnvifError } from './transport.ts';

export type OnvifCaller = Pick<OnvifClient, 'call'>;

export interface PullPointOptions {
  /** Asked for at creation and each renewal (60 s). */
  terminationMs?: number;
  /** How long the camera may hold a pull open waiting for a message (1 s). */
  pullTimeoutMs?: number;
  messageLimit?: number;
  /** Added to the pull timeout for the HTTP deadline (3 s). */
  answerMarginMs?: number;
  nowMs?: () => number;
}

export class PullPoint {
  private reference: PullPointReference | null = null;
  private renewAtMs = 0;
  private renewUnsupported = false;
  private readonly terminationMs: number;
  private readonly pullTimeoutMs: number;
  private readonly messageLimit: number;
  private readonly answerMarginMs: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly caller: OnvifCaller,
    readonly camera: OnvifCamera,
    options: PullPointOptions = {},
  ) {
    this.terminationMs = options.terminationMs ?? 60_000;
    this.pullTimeoutMs = options.pullTimeoutMs ?? 1000;
    this.messageLimit = options.messageLimit ?? 100;
    this.answerMarginMs = options.answerMarginMs ?? 3000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  get open(): boolean {
    return this.reference !== null;
  }

  get address(): string | null {
    return this.reference?.address ?? null;
  }

  /** CreatePullPointSubscription on the camera's events service. */
  async subscribe(): Promise<void> {
    const body = await this.caller.call(this.camera, 'events', eventRequests.createPullPointSubscription(this.terminationMs));
    const reference = readSubscription(body);
    if (!reference) throw new OnvifError('protocol', 'CreatePullPointSubscription answered without a subscription address');
    this.reference = reference;
    this.renewAtMs = this.nowMs() + this.terminationMs / 2;
  }

  /** Renews when half the term has passed, then pulls what the camera has (waiting up to the pull timeout). */
  async pull(): Promise<PullResult> {
    if (!this.reference) throw new OnvifError('protocol', 'no subscription');
    if (this.nowMs() >= this.renewAtMs) await this.renew();
    try {
      const request = eventRequests.pullMessages(this.pullTimeoutMs, this.messageLimit);
      const body = await this.send(request, this.pullTimeoutMs + this.answerMarginMs);
      return readPullMessages(body);
    } catch (error) {
      this.reference = null;
      throw error;
    }
  }

  /** Unsubscribe, best effort (a camera that rebooted has forgotten it already). */
  async close(): Promise<void> {
    if (!this.reference) return;
    try {
      await this.send(eventRequests.unsubscribe());
    } catch {
      // Gone already, or the camera will let it expire.
    }
    this.reference = null;
  }

  private async renew(): Promise<void> {
    if (this.renewUnsupported) {
      // The camera takes no Renew: a fresh subscription replaces this one before it ends.
      const previous = this.reference;
      await this.subscribe();
      if (previous) await this.sendTo(previous, eventRequests.unsubscribe()).catch(() => undefined);
      return;
    }
    try {
      await this.send(eventRequests.renew(this.terminationMs));
      this.renewAtMs = this.nowMs() + this.terminationMs / 2;
    } catch (error) {
      if (
        !(error instanceof OnvifError) ||
        error.kind !== 'fault' ||
        !/ActionNotSupported|NotSupported|UnableToRenew/i.test(`${error.subcode} ${error.reason}`)
      ) {
        this.reference = null;
        throw error;
      }
      this.renewUnsupported = true;
      await this.renew();
    }
  }

  private send(bodyXml: string, timeoutMs?: number) {
    return this.sendTo(this.reference!, bodyXml, timeoutMs);
  }

  private sendTo(reference: PullPointReference, bodyXml: string, timeoutMs?: number) {
    return this.caller.call(this.camera, { url: reference.address }, bodyXml, {
      headerXml: addressingHeader(bodyXml, reference.address, reference.referenceParameters),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }
}
