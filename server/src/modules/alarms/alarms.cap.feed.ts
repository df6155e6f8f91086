// The Atom feeds of CAP sources (docs/alarms.md "Polled feeds"): an administrator sets one feed
// URL per CAP source (audited); the `alarms.cap-poll` job fetches each with a conditional GET
// (ETag / Last-Modified), reads its entries (a CAP document inside the entry, or linked from it
// on the feed's own origin only), and stores each through CAP intake (deduplicated on the CAP
// triple). Requests time out, bodies are bounded, redirects are not followed.
import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import type { AuditApi } from '../audit/index.ts';
import type { CapIntake } from './alarms.cap.intake.ts';
import type { CapFeedRow, CapRepository } from './alarms.cap.repository.ts';
import { maxCapBytes, parseXml } from './alarms.cap.ts';
import type { AlarmsRepository } from './alarms.repository.ts';
import { type Acting, visibleTo } from './alarms.service.ts';

/** The largest Atom feed read (bytes). */
export const maxFeedBytes = 1024 * 1024;
const maxEntries = 200;
const seenPerFeed = 2000;

export interface CapFeedView {
  sourceId: string;
  url: string;
  lastPolledAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface PollSummary {
  status: number;
  entries: number;
  stored: number;
  duplicates: number;
  refused: number;
}

const feedView = (row: CapFeedRow): CapFeedView => ({
  sourceId: row.source_id,
  url: row.url,
  lastPolledAt: row.last_polled_at,
  lastStatus: row.last_status,
  lastError: row.last_error,
});

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decodeXml = (text: string) => text.replace(/&(lt|gt|amp|quot|apos);/g, (_whole, name: string) => predefined[name]!);

function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) result[match[1]!] = decodeXml(match[3] ?? match[4] ?? '');
  return result;
}

/** One Atom entry: its id and updated (its key), an embedded CAP document or the link to one. */
export function readEntries(feedText: string): { key: string; embedded: string | null; link: string | null }[] {
  const tree = parseXml(feedText, maxFeedBytes, 'Atom feed');
  if (!('feed' in tree))
    throw new DomainError('cap_invalid', { fr: 'Flux refusé : la racine doit être <feed> (Atom).', en: 'Feed refused: the root must be <feed> (Atom).' });
  const entries = [...feedText.matchAll(/<(?:[\w.-]+:)?entry\b[\s\S]*?<\/(?:[\w.-]+:)?entry>/g)].slice(0, maxEntries);
  return entries.map(([entry]) => {
    const id = /<(?:[\w.-]+:)?id\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?id>/.exec(entry)?.[1]?.trim() ?? '';
    const updated = /<(?:[\w.-]+:)?updated\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?updated>/.exec(entry)?.[1]?.trim() ?? '';
    const embedded = /<(?:([\w.-]+):)?alert\b[\s\S]*?<\/(?:[\w.-]+:)?alert>/.exec(entry)?.[0] ?? null;
    const links = [...entry.matchAll(/<(?:[\w.-]+:)?link\b([^>]*?)\/?>/g)].map((match) => attributes(match[1] ?? ''));
    const capLink =
      links.find((link) => /^application\/(cap\+)?xml$/i.test(link.type ?? '')) ?? links.find((link) => (link.rel ?? 'alternate') === 'alternate');
    // An entry without id nor updated is known by its content.
    const key = id || updated ? `${decodeXml(id)}|${updated}` : `sha256:${createHash('sha256').update(entry).digest('hex')}`;
    return { key, embedded, link: capLink?.href ?? null };
  });
}

/** A response body read up to `max` bytes: beyond it, the read stops and the request fails. */
async function readBounded(response: Response, max: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > max) throw new Error(`${what} over ${max} bytes`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new Error(`${what} over ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class CapFeeds {
  /** Entries already stored, per feed (bounded): an unchanged entry is not fetched again. */
  private readonly seen = new Map<string, Set<string>>();

  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly cap: CapRepository,
    private readonly intake: CapIntake,
    private readonly deps: { audit: AuditApi; clock: Clock; log?: ProcessLog; fetchTimeoutMs: number; fetch?: typeof fetch },
  ) {}

  private get log(): ProcessLog {
    return this.deps.log ?? silentLog;
  }

  private async capSource(id: string, principal: Principal | null, action: 'alarm.source.read' | 'alarm.source.write') {
    const source = await this.alarms.source(id);
    if (source?.kind !== 'cap' || !visibleTo(principal, source.commune_insee)) throw notFound({ fr: 'Source CAP', en: 'CAP source' });
    if (principal) assertAllowed(principal, action, source.commune_insee, parisDate(this.deps.clock.now()));
    return source;
  }

  async get(sourceId: string, principal: Principal | null): Promise<CapFeedView> {
    await this.capSource(sourceId, principal, 'alarm.source.read');
    const row = await this.cap.feed(sourceId);
    if (!row) throw notFound({ fr: 'Flux CAP', en: 'CAP feed' });
    return feedView(row);
  }

  /** Sets (or replaces) the feed a CAP source polls: http or https only. */
  async set(sourceId: string, url: string, acting: Acting): Promise<CapFeedView> {
    const source = await this.capSource(sourceId, acting.principal, 'alarm.source.write');
    const parsed = new URL(url);
    if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username !== '' || parsed.password !== '')
      throw new DomainError('validation_failed', {
        fr: 'Adresse de flux http ou https, sans identifiants.',
        en: 'Feed URL must be http or https, without credentials.',
      });
    const now = this.deps.clock.now().toISOString();
    const row: CapFeedRow = {
      source_id: sourceId,
      url,
      etag: null,
      last_modified: null,
      last_polled_at: null,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await this.alarms.transaction(async (trx) => {
      const before = await this.cap.feed(sourceId, trx);
      // Setting the feed again, even to the same address, starts afresh: the next poll fetches it whole.
      await this.cap.upsertFeed(trx, before ? { ...row, created_at: before.created_at } : row);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'alarm.source.cap_feed.set',
        communeInsee: source.commune_insee,
        targetType: 'alarm_source',
        targetId: sourceId,
        details: { before: before?.url ?? null, after: url },
      });
    });
    this.seen.delete(sourceId);
    return feedView(row);
  }

  async remove(sourceId: string, acting: Acting): Promise<void> {
    const source = await this.capSource(sourceId, acting.principal, 'alarm.source.write');
    await this.alarms.transaction(async (trx) => {
      const before = await this.cap.feed(sourceId, trx);
      if (!before || !(await this.cap.deleteFeed(trx, sourceId))) throw notFound({ fr: 'Flux CAP', en: 'CAP feed' });
      await this.deps.audit.record(trx, acting.actor, {
        action: 'alarm.source.cap_feed.removed',
        communeInsee: source.commune_insee,
        targetType: 'alarm_source',
        targetId: sourceId,
        details: { before: before.url },
      });
    });
    this.seen.delete(sourceId);
  }

  /** The job: every feed of an enabled CAP source, one after the other; fails (listing them) when any feed failed. */
  async pollAll(): Promise<void> {
    const failures: string[] = [];
    for (const feed of await this.cap.feeds()) {
      try {
        await this.poll(feed);
      } catch (error) {
        failures.push(`${feed.source_id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`CAP feeds failed: ${failures.join('; ')}`);
  }

  private request(url: string, headers: Record<string, string>): Promise<Response> {
    return (this.deps.fetch ?? fetch)(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(this.deps.fetchTimeoutMs) });
  }

  /** One poll of one feed. Validators are kept only when every entry was handled, so that a failed entry is fetched again. */
  async poll(feed: CapFeedRow): Promise<PollSummary | null> {
    const source = await this.alarms.source(feed.source_id);
    if (source?.kind !== 'cap' || source.enabled !== 1) return null;
    const now = () => this.deps.clock.now().toISOString();
    const summary: PollSummary = { status: 0, entries: 0, stored: 0, duplicates: 0, refused: 0 };
    try {
      const headers: Record<string, string> = { accept: 'application/atom+xml, application/xml;q=0.9' };
      if (feed.etag) headers['if-none-match'] = feed.etag;
      if (feed.last_modified) headers['if-modified-since'] = feed.last_modified;
      const response = await this.request(feed.url, headers);
      summary.status = response.status;
      if (response.status === 304) {
        await response.body?.cancel();
        await this.cap.updateFeed(feed.source_id, { last_polled_at: now(), last_status: 304, last_error: null });
        return summary;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`feed answered HTTP ${response.status}`);
      }
      const entries = readEntries(await readBounded(response, maxFeedBytes, 'feed'));
      const seen = this.seen.get(feed.source_id) ?? new Set<string>();
      let complete = true;
      for (const entry of entries) {
        if (seen.has(entry.key)) continue;
        summary.entries++;
        const handled = await this.entry(source, feed, entry, summary);
        if (handled) {
          seen.add(entry.key);
          if (seen.size > seenPerFeed) seen.delete(seen.values().next().value as string);
        } else complete = false;
      }
      this.seen.set(feed.source_id, seen);
      await this.cap.updateFeed(feed.source_id, {
        last_polled_at: now(),
        last_status: 200,
        last_error: complete ? null : 'some entries could not be fetched; retried at the next poll',
        ...(complete ? { etag: response.headers.get('etag'), last_modified: response.headers.get('last-modified') } : {}),
      });
      return summary;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.cap.updateFeed(feed.source_id, { last_polled_at: now(), last_status: summary.status || null, last_error: message.slice(0, 500) });
      this.log.warn({ sourceId: feed.source_id, url: feed.url, error: message }, 'CAP feed poll failed');
      throw error;
    }
  }

  /** One entry: true when stored, a duplicate, or refused for good (a bad document); false to retry it next time. */
  private async entry(
    source: NonNullable<Awaited<ReturnType<AlarmsRepository['source']>>>,
    feed: CapFeedRow,
    entry: { key: string; embedded: string | null; link: string | null },
    summary: PollSummary,
  ): Promise<boolean> {
    let text = entry.embedded;
    if (!text) {
      if (!entry.link) {
        summary.refused++;
        this.log.warn({ sourceId: source.id, entry: entry.key }, 'CAP feed entry without a CAP document or link');
        return true;
      }
      const target = new URL(entry.link, feed.url);
      if (target.origin !== new URL(feed.url).origin) {
        summary.refused++;
        this.log.warn({ sourceId: source.id, entry: entry.key, link: target.origin }, 'CAP feed entry links to another host: not fetched');
        return true;
      }
      try {
        const response = await this.request(target.href, { accept: 'application/cap+xml, application/xml;q=0.9' });
        if (response.status !== 200) {
          await response.body?.cancel();
          throw new Error(`HTTP ${response.status}`);
        }
        text = await readBounded(response, maxCapBytes, 'CAP document');
      } catch (error) {
        this.log.warn({ sourceId: source.id, entry: entry.key, error: error instanceof Error ? error.message : String(error) }, 'CAP document not fetched');
        return false;
      }
    }
    try {
      const result = await this.intake.receive(source, text, 'feed');
      if (result.duplicate) summary.duplicates++;
      else summary.stored++;
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'cap_invalid') {
        summary.refused++;
        return true;
      }
      return false;
    }
  }
}
