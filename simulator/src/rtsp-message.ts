// RTSP/1.0 message framing (RFC 2326): requests in, responses out, interleaved binary frames
// ('$' channel length payload) skipped or handed over. Pure: works on buffers.

export interface RtspRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type RtspChunk =
  | { kind: 'request'; request: RtspRequest }
  | { kind: 'interleaved'; channel: number; payload: Buffer }
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer };

const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Takes as many complete messages as the buffer holds; returns them and the unconsumed rest.
 * Throws on a header block too large to be RTSP (the connection is then closed).
 */
export function takeMessages(buffer: Buffer): { chunks: RtspChunk[]; rest: Buffer } {
  const chunks: RtspChunk[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    if (buffer[offset] === 0x24) {
      if (buffer.length - offset < 4) break;
      const length = buffer.readUInt16BE(offset + 2);
      if (buffer.length - offset < 4 + length) break;
      chunks.push({ kind: 'interleaved', channel: buffer[offset + 1] ?? 0, payload: buffer.subarray(offset + 4, offset + 4 + length) });
      offset += 4 + length;
      continue;
    }
    const headerEnd = buffer.indexOf('\r\n\r\n', offset);
    if (headerEnd < 0) {
      if (buffer.length - offset > MAX_HEADER_BYTES) throw new Error('RTSP header too large');
      break;
    }
    const head = buffer.subarray(offset, headerEnd).toString('utf8');
    const [startLine = '', ...headerLines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyLength = Number(headers['content-length'] ?? 0);
    const bodyStart = headerEnd + 4;
    if (buffer.length < bodyStart + bodyLength) break;
    const body = buffer.subarray(bodyStart, bodyStart + bodyLength);
    offset = bodyStart + bodyLength;
    if (startLine.startsWith('RTSP/')) {
      chunks.push({ kind: 'response', status: Number(startLine.split(' ')[1]), headers, body });
    } else {
      const [method = '', url = ''] = startLine.split(' ');
      chunks.push({ kind: 'request', request: { method: method.toUpperCase(), url, headers, body: body.toString('utf8') } });
    }
  }
  return { chunks, rest: buffer.subarray(offset) };
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function formatResponse(status: number, cseq: string | undefined, headers: Record<string, string | number> = {}, body = ''): Buffer {
  const lines = [`RTSP/1.0 ${status} ${REASONS[status] ?? 'Error'}`];
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  lines.push('Server: Vigie camera simulator');
  lines.push(`Date: ${new Date().toUTCString()}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

export function formatRequest(method: string, url: string, cseq: number, headers: Record<string, string> = {}): Buffer {
  const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, 'User-Agent: Vigie', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

export interface TransportRequest {
  tcp: boolean;
  interleaved?: [number, number];
  clientPorts?: [number, number];
}

/** Reads the first acceptable transport of a SETUP's Transport header; `udp: false` accepts TCP interleaved only. */
export function parseTransport(header: string | undefined, accept: { udp: boolean } = { udp: true }): TransportRequest | undefined {
  if (!header) return undefined;
  for (const option of header.split(',')) {
    const parts = option.trim().split(';');
    const protocol = (parts[0] ?? '').toUpperCase();
    const pair = (name: string): [number, number] | undefined => {
      const found = parts.find((part) => part.startsWith(`${name}=`));
      if (!found) return undefined;
      const [low, high] = found
        .slice(name.length + 1)
        .split('-')
        .map(Number);
      if (low === undefined || !Number.isInteger(low)) return undefined;
      return [low, high !== undefined && Number.isInteger(high) ? high : low + 1];
    };
    if (protocol === 'RTP/AVP/TCP') return { tcp: true, interleaved: pair('interleaved') ?? [0, 1] };
    if ((protocol === 'RTP/AVP' || protocol === 'RTP/AVP/UDP') && accept.udp) {
      if (parts.some((part) => part === 'multicast')) continue;
      const clientPorts = pair('client_port');
      if (clientPorts) return { tcp: false, clientPorts };
    }
  }
  return undefined;
}
