// RTSP/1.0 framing over a TCP byte stream (RFC 2326 section 10.12): text messages (responses,
// and the rare request a server sends) mixed with interleaved binary frames ('$', channel,
// 16-bit length, payload). Incremental and cheap: a frame that lies whole inside a chunk is
// handed over as a slice of it; only the bytes of a message or frame cut by a chunk boundary
// are copied.

/** A text message's start line and headers: beyond this the peer is not speaking RTSP. */
export const MAX_RESPONSE_HEADER_BYTES = 64 * 1024;
/** Body of any message (an SDP is a few hundred bytes; cameras with many tracks a few KiB). */
export const MAX_BODY_BYTES = 64 * 1024;
/** Largest interleaved frame payload: the length field has 16 bits. */
export const MAX_INTERLEAVED_FRAME_BYTES = 0xffff;

/** Stable codes of RTSP failures; the server maps them to messages elsewhere. */
export type RtspErrorCode =
  | 'rtsp_invalid_url'
  | 'rtsp_connection_failed'
  | 'rtsp_connection_closed'
  | 'rtsp_tls_error'
  | 'rtsp_timeout'
  | 'rtsp_unauthorized'
  | 'rtsp_forbidden'
  | 'rtsp_not_found'
  | 'rtsp_bad_response'
  | 'rtsp_server_error'
  | 'rtsp_unsupported_codec'
  | 'rtsp_redirect_loop'
  | 'rtsp_transport_refused'
  | 'rtsp_session_lost'
  | 'rtsp_bye'
  | 'rtsp_stopped';

export class RtspError extends Error {
  constructor(
    readonly code: RtspErrorCode,
    message: string,
    /** RTSP status of the response that caused it, if any. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RtspError';
  }
}

/** Header fields by lower-case name; a repeated field (WWW-Authenticate) keeps every value. */
export class RtspHeaders {
  private readonly fields = new Map<string, string[]>();

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const values = this.fields.get(key);
    if (values) values.push(value);
    else this.fields.set(key, [value]);
  }

  get(name: string): string | undefined {
    return this.fields.get(name.toLowerCase())?.[0];
  }

  getAll(name: string): readonly string[] {
    return this.fields.get(name.toLowerCase()) ?? [];
  }
}

export interface RtspResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: RtspHeaders;
  body: Buffer;
}

export interface RtspServerRequest {
  kind: 'request';
  method: string;
  url: string;
  headers: RtspHeaders;
  body: Buffer;
}

export type RtspMessage = RtspResponse | RtspServerRequest;

export interface RtspFramerSink {
  message(message: RtspMessage): void;
  /** `payload` is a slice that nothing overwrites later: it may be kept. */
  interleaved(channel: number, payload: Buffer): void;
}

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;

/** Splits a TCP byte stream into messages and interleaved frames. Throws RtspError on garbage. */
export class RtspFramer {
  /** Unconsumed bytes of a message or of a frame header (under 4 bytes) cut by a chunk boundary. */
  private pending: Buffer | undefined;
  /** A frame whose payload is still arriving. */
  private frame: Buffer | undefined;
  private frameFilled = 0;
  private frameChannel = 0;
  private closed = false;

  constructor(private readonly sink: RtspFramerSink) {}

  /** Stops delivering: what is pushed afterwards (or the rest of the current chunk) is dropped. */
  close(): void {
    this.closed = true;
    this.pending = undefined;
    this.frame = undefined;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.frame) {
      const copied = data.copy(this.frame, this.frameFilled);
      this.frameFilled += copied;
      if (this.frameFilled < this.frame.length) return;
      const frame = this.frame;
      this.frame = undefined;
      this.sink.interleaved(this.frameChannel, frame);
      data = data.subarray(copied);
    }
    if (this.pending) {
      data = Buffer.concat([this.pending, data]);
      this.pending = undefined;
    }
    let offset = 0;
    const length = data.length;
    while (offset < length && !this.closed) {
      const first = data[offset]!;
      if (first === DOLLAR) {
        if (length - offset < 4) break;
        const channel = data[offset + 1]!;
        const size = (data[offset + 2]! << 8) | data[offset + 3]!;
        const start = offset + 4;
        const end = start + size;
        if (end <= length) {
          this.sink.interleaved(channel, data.subarray(start, end));
          offset = end;
          continue;
        }
        this.frame = Buffer.allocUnsafe(size);
        this.frameFilled = data.copy(this.frame, 0, start);
        this.frameChannel = channel;
        return;
      }
      if (first === CR || first === LF) {
        offset += 1; // stray line ends between messages (some servers end bodies with an extra CRLF)
        continue;
      }
      const next = this.takeMessage(data, offset);
      if (next < 0) break;
      offset = next;
    }
    if (offset < length && !this.closed) this.pending = Buffer.from(data.subarray(offset));
  }

  /** Parses one text message at `offset`; returns the offset after it, or -1 if incomplete. */
  private takeMessage(data: Buffer, offset: number): number {
    const headerEnd = findHeaderEnd(data, offset);
    if (headerEnd < 0) {
      if (data.length - offset > MAX_RESPONSE_HEADER_BYTES) {
        throw new RtspError('rtsp_bad_response', `RTSP header larger than ${MAX_RESPONSE_HEADER_BYTES} bytes`);
      }
      return -1;
    }
    if (headerEnd - offset > MAX_RESPONSE_HEADER_BYTES) {
      throw new RtspError('rtsp_bad_response', `RTSP header larger than ${MAX_RESPONSE_HEADER_BYTES} bytes`);
    }
    const head = data.toString('latin1', offset, headerEnd);
    const lines = head.split(/\r?\n/);
    const headers = new RtspHeaders();
    let lastName: string | undefined;
    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index]!;
      if (line === '') continue;
      if ((line[0] === ' ' || line[0] === '\t') && lastName) {
        // Obsolete line folding: the value continues.
        const values = headers.getAll(lastName) as string[];
        values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new RtspError('rtsp_bad_response', 'malformed RTSP header line');
      lastName = line.slice(0, colon).trim();
      headers.add(lastName, line.slice(colon + 1).trim());
    }
    const contentLength = headers.get('content-length');
    const bodyLength = contentLength === undefined ? 0 : Number(contentLength);
    if (!Number.isInteger(bodyLength) || bodyLength < 0) throw new RtspError('rtsp_bad_response', 'invalid Content-Length');
    if (bodyLength > MAX_BODY_BYTES) throw new RtspError('rtsp_bad_response', `RTSP body larger than ${MAX_BODY_BYTES} bytes`);
    const bodyStart = headerEnd + (data[headerEnd] === CR ? 4 : 2);
    const bodyEnd = bodyStart + bodyLength;
    if (bodyEnd > data.length) return -1;
    const body = data.subarray(bodyStart, bodyEnd);
    const startLine = lines[0]!;
    const response = /^RTSP\/(\d)\.(\d)\s+(\d{3})(?:\s+(.*))?$/.exec(startLine);
    if (response) {
      this.sink.message({ kind: 'response', status: Number(response[3]), reason: response[4] ?? '', headers, body });
      return bodyEnd;
    }
    const request = /^([A-Z_]+)\s+(\S+)\s+RTSP\/\d\.\d$/.exec(startLine);
    if (!request) throw new RtspError('rtsp_bad_response', 'malformed RTSP start line');
    this.sink.message({ kind: 'request', method: request[1]!, url: request[2]!, headers, body });
    return bodyEnd;
  }
}

/** Offset of the blank line ending a header block (CRLFCRLF, or LFLF from sloppy servers), or -1. */
function findHeaderEnd(data: Buffer, offset: number): number {
  const limit = Math.min(data.length, offset + MAX_RESPONSE_HEADER_BYTES + 4);
  for (let index = offset; index < limit - 1; index += 1) {
    if (data[index] !== LF && data[index] !== CR) continue;
    if (data[index] === CR && data[index + 1] === LF && data[index + 2] === CR && data[index + 3] === LF) return index;
    if (data[index] === LF && data[index + 1] === LF) return index;
  }
  return -1;
}

/** A request's wire form. Header values must not hold line breaks (checked: no injection). */
export function formatRequest(method: string, url: string, headers: ReadonlyArray<readonly [string, string]>): Buffer {
  let text = `${method} ${url} RTSP/1.0\r\n`;
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(value) || /[\r\n]/.test(name)) throw new RtspError('rtsp_invalid_url', `line break in the ${name} header`);
    text += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${text}\r\n`, 'utf8');
}

/** A response to a request the server sent us (OPTIONS or GET_PARAMETER as keep-alive probes). */
export function formatResponse(status: number, reason: string, cseq: string | undefined): Buffer {
  return Buffer.from(`RTSP/1.0 ${status} ${reason}\r\n${cseq === undefined ? '' : `CSeq: ${cseq}\r\n`}\r\n`, 'latin1');
}

/** Interleaved frame of `payload` on `channel` (RTCP receiver reports over TCP). */
export function interleavedFrame(channel: number, payload: Buffer): Buffer {
  if (payload.length > MAX_INTERLEAVED_FRAME_BYTES) throw new RtspError('rtsp_bad_response', 'interleaved frame too large');
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame[0] = DOLLAR;
  frame[1] = channel;
  frame.writeUInt16BE(payload.length, 2);
  payload.copy(frame, 4);
  return frame;
}

/** `Session: 12345678;timeout=60` -> id and timeout in seconds. */
export function parseSessionHeader(value: string): { id: string; timeoutSeconds: number | undefined } {
  const [id = '', ...params] = value.split(';');
  let timeoutSeconds: number | undefined;
  for (const param of params) {
    const match = /^\s*timeout\s*=\s*(\d+)\s*$/i.exec(param);
    if (match) timeoutSeconds = Number(match[1]);
  }
  return { id: id.trim(), timeoutSeconds: timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : undefined };
}

/** The fields of a Transport header (first transport spec only; servers answer with one). */
export interface TransportHeader {
  protocol: string;
  interleaved?: [number, number];
  clientPorts?: [number, number];
  serverPorts?: [number, number];
  source?: string;
  ssrc?: number;
}

export function parseTransportHeader(value: string): TransportHeader {
  const [protocol = '', ...params] = (value.split(',')[0] ?? '').split(';');
  const result: TransportHeader = { protocol: protocol.trim().toUpperCase() };
  for (const param of params) {
    const equals = param.indexOf('=');
    const name = (equals < 0 ? param : param.slice(0, equals)).trim().toLowerCase();
    const raw = equals < 0 ? '' : param.slice(equals + 1).trim();
    if (name === 'interleaved') result.interleaved = parseRange(raw);
    else if (name === 'client_port') result.clientPorts = parseRange(raw);
    else if (name === 'server_port') result.serverPorts = parseRange(raw);
    else if (name === 'source' && raw) result.source = raw;
    else if (name === 'ssrc' && /^[0-9a-f]{1,8}$/i.test(raw)) result.ssrc = Number.parseInt(raw, 16) >>> 0;
  }
  return result;
}

function parseRange(raw: string): [number, number] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!match) return undefined;
  const first = Number(match[1]);
  return [first, match[2] === undefined ? first + 1 : Number(match[2])];
}
