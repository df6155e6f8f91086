// How a simulated camera speaks ONVIF, so that each habit of real firmware can be tested end to
// end: its authentication mode, what its PTZ head accepts, and the ways its answers go wrong.
import { z } from 'zod';

export const onvifModesSchema = z.object({
  /** `any`: WS-Security UsernameToken or HTTP Digest; `digest`: HTTP Digest only (a token alone gets 401); `ws-security`: the token only. */
  auth: z.enum(['any', 'digest', 'ws-security']).default('any'),
  /** The HTTP Digest algorithm offered in challenges (RFC 7616). */
  digestAlgorithm: z.enum(['MD5', 'SHA-256']).default('MD5'),
  /** The subcode of a refused WS-Security token: ONVIF's, or the WS-Security one some firmware uses. */
  authFault: z.enum(['ter:NotAuthorized', 'wsse:FailedAuthentication']).default('ter:NotAuthorized'),
  /** ContinuousMove with a Timeout is refused (ter:InvalidArgVal). */
  noTimeout: z.boolean().default(false),
  /** A pan/tilt-only head: no zoom space, a Zoom element is refused. */
  noZoom: z.boolean().default(false),
  /** The shortest Timeout the head accepts, in ms (a shorter one is refused). */
  minTimeoutMs: z.number().int().min(0).max(60_000).optional(),
  /** The most presets the head stores. */
  maxPresets: z.number().int().min(1).max(1000).default(64),
  /** Answers end by closing the connection, cut after this many bytes (no Content-Length). */
  cutAnswersAt: z.number().int().min(1).max(1_000_000).optional(),
  /** GetCapabilities answers HTTP 500 with no body (newer firmware that only answers GetServices). */
  capabilitiesError: z.boolean().default(false),
  /** PTZ commands are answered with another operation's response. */
  wrongOperation: z.boolean().default(false),
  /**
   * The media services offered: `media1` (ver10, Profile S), `media2` (ver20, Profile T: a camera
   * that answers the ver10 media operations with ter:ActionNotSupported), or `both`.
   */
  media: z.enum(['media1', 'media2', 'both']).default('media1'),
});
export type OnvifModes = z.infer<typeof onvifModesSchema>;

export const offersMedia1 = (modes: OnvifModes): boolean => modes.media !== 'media2';
export const offersMedia2 = (modes: OnvifModes): boolean => modes.media !== 'media1';

export function onvifModes(partial: z.input<typeof onvifModesSchema> = {}): OnvifModes {
  return onvifModesSchema.parse(partial);
}
