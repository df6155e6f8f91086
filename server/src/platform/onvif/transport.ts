// The HTTP side of the ONVIF client: one POST with a deadline, no redirects, a bounded answer,
// and the error type every ONVIF failure is reported with. A camera that closes the connection
// before the end of an answer it announced the length of is a protocol failure, not silence.

export type OnvifErrorKind = 'unreachable' | 'fault' | 'protocol' | 'unsupported' | 'unauthorized' | 'refused';

/**
 * An ONVIF call that failed: `unreachable` (no answer), `fault` (a SOAP fault), `protocol` (an
 * answer that is not a whole, matching SOAP answer), `unsupported` (the camera lacks the
 * service or capability), `unauthorized` (credentials refused, after the clock was learnt
 * again), `refused` (not sent: beyond what the camera supports, e.g. its presets limit).
 */
export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifErrorKind,
    readonly reason: string,
    readonly subcode: string | null = null,
  ) {
    super(reason);
    this.name = 'OnvifError';
  }
}

export interface TransportRequest {
  url: string;
  body: string;
  contentType: string;
  /** An HTTP `Authorization` value (HTTP Digest), when the camera asked for one. */
  authorization?: string | undefined;
  timeoutMs: number;
  maxBytes: number;
}

export interface TransportAnswer {
  status: number;
  body: string;
  /** The `WWW-Authenticate` values of a 401 (empty otherwise). */
  challenges?: string[];
}

/** Sends one HTTP POST; rejects with OnvifError('unreachable') when no answer comes. */
export type OnvifTransport = (request: TransportRequest) => Promise<TransportAnswer>;

/** The default transport: fetch with a deadline, no redirects, a bounded answer. */
export const fetchTransport: OnvifTransport = async (request) => {
  let response: Response;
  const headers: Record<string, string> = { 'content-type': request.contentType };
  if (request.authorization) headers.authorization = request.authorization;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      body: request.body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw new OnvifError('unreachable', unreachableReason(error, request.timeoutMs));
  }
  const challenges = response.status === 401 ? splitChallenges(response.headers) : [];
  try {
    return { status: response.status, body: await readBounded(response, request.maxBytes), challenges };
  } catch (error) {
    if (error instanceof OnvifError) throw error;
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new OnvifError('unreachable', unreachableReason(error, request.timeoutMs));
    throw new OnvifError('protocol', 'the camera closed the connection before the end of its answer');
  }
};

function splitChallenges(headers: Headers): string[] {
  // fetch joins repeated WWW-Authenticate fields with ", ": the challenge parser reads several challenges in one value.
  const value = headers.get('www-authenticate');
  return value ? [value] : [];
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new OnvifError('protocol', `answer larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unreachableReason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer from the camera within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return cause?.code ? `camera unreachable (${cause.code})` : 'camera unreachable';
}
