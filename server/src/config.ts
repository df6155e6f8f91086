// Configuration: the environment is parsed once, validated with zod, frozen. A bad value stops
// start-up with a message naming the variable. Documented in docs/configuration.md.
import { delimiter, dirname, resolve } from 'node:path';
import { z } from 'zod';

const booleanText = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => ['true', '1', 'yes'].includes(value));

const environmentSchema = z.object({
  VIGIE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^(postgres|postgresql):\/\//.test(value) || /^(sqlite:|file:)/.test(value) || !value.includes('://'), {
      message: 'must be postgres://..., sqlite:<path> or a file path',
    })
    .optional(),
  VIGIE_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  VIGIE_SECRET_KEY_FILE: z.string().min(1).optional(),
  // Keys of the hash chains and of their signed checkpoints (issue 11); default: beside the secret key.
  VIGIE_CHAIN_KEY_FILE: z.string().min(1).optional(),
  VIGIE_SIGNING_KEY_FILE: z.string().min(1).optional(),
  // Signed checkpoints of the chain heads: a folder outside the database's, at least daily, optionally pushed.
  VIGIE_CHECKPOINT_DIR: z.string().min(1).optional(),
  VIGIE_CHECKPOINT_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  VIGIE_CHECKPOINT_WEBHOOK_URL: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => parseWebhookUrl(value || undefined, context)),
  VIGIE_RECORDINGS_DIR: z.string().min(1).optional(),
  VIGIE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIE_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  VIGIE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24).default(12),
  VIGIE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  VIGIE_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  // Sign-in and second-factor attempts per client address and minute, whatever the login (issue 11).
  // Legal holds (issue 11): the window an operator may hold per camera, how long an unconfirmed
  // hold lasts, and after how long without review a confirmed one is reported.
  VIGIE_HOLD_WINDOW_HOURS: z.coerce.number().int().min(1).max(744).default(24),
  VIGIE_HOLD_PROVISIONAL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  VIGIE_HOLD_REVIEW_DAYS: z.coerce.number().int().min(7).max(90).default(90),
  // Requisitions (issue 13): the target answer time ("dans les meilleurs délais"), in hours from receipt.
  VIGIE_REQUISITION_TARGET_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  VIGIE_EXPORT_KEEP_AFTER_DELIVERY_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  VIGIE_SIGNIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  // Alarms (issue 14): repeats folded within this window; webhook calls per source and minute; the centre's MQTT broker (unset: no MQTT intake).
  VIGIE_ALARM_FOLD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  VIGIE_ALARM_WEBHOOK_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  // The shifts of the chief's figures (issue 14 item 7), Paris time; together they cover the day once (checked at start by the logbook module).
  VIGIE_ALARM_SHIFTS: z
    .string()
    .max(200)
    .regex(/^\s*\d\d:\d\d-\d\d:\d\d\s*(,\s*\d\d:\d\d-\d\d:\d\d\s*){0,7}$/, 'HH:MM-HH:MM[,HH:MM-HH:MM...], at most 8 shifts')
    .default('07:00-19:00,19:00-07:00'),
  // CAP 1.2 feeds (prefecture and weather alerts): poll interval and per-request timeout.
  VIGIE_ALARM_CAP_POLL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(60),
  VIGIE_ALARM_CAP_FETCH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
  // Alarms left `new` past these (seconds, per priority 1 to 4) escalate: an alarm never sits unseen.
  VIGIE_ALARM_ESCALATION_P1_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  VIGIE_ALARM_ESCALATION_P2_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  VIGIE_ALARM_ESCALATION_P3_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  VIGIE_ALARM_ESCALATION_P4_SECONDS: z.coerce.number().int().min(5).max(3600).default(900),
  // The live queue's WebSocket: heartbeat interval (below any proxy's idle timeout) and the send buffer past which a client that does not read is cut.
  VIGIE_ALARM_LIVE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).default(15),
  VIGIE_ALARM_LIVE_BUFFER_KIB: z.coerce.number().int().min(16).max(16_384).default(1024),
  VIGIE_ALARM_MQTT_URL: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || /^mqtts?:\/\/[^/@]+(:\d+)?\/?$/.test(value), 'mqtt://host:port or mqtts://host:port, no credentials in the URL'),
  VIGIE_ALARM_MQTT_USERNAME: z.string().max(200).optional(),
  VIGIE_ALARM_MQTT_PASSWORD: z.string().max(500).optional(),
  VIGIE_ALARM_MQTT_PASSWORD_FILE: z.string().min(1).optional(),
  VIGIE_ALARM_MQTT_CA_FILE: z.string().min(1).optional(),
  VIGIE_ALARM_MQTT_CLIENT_ID: z.string().min(1).max(64).default('vigie-alarms'),
  VIGIE_ALARM_MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'topic levels of letters, digits, _ and -')
    .default('vigie'),
  // SIA DC-09 receiver (alarm panels): TCP and UDP on one port; unset port: no receiver. 0.0.0.0 exposes it: see docs/alarms.md.
  VIGIE_ALARM_DC09_HOST: z.string().trim().min(1).max(255).default('127.0.0.1'),
  VIGIE_ALARM_DC09_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VIGIE_ALARM_DC09_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(256),
  VIGIE_ALARM_DC09_IDLE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  VIGIE_ALARM_DC09_SUPERVISION_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  // On-call chain (issue 14 item 5): the SMTP server (no credentials in the URL: user here, password in a file), sender, escalation delay, acknowledgement links.
  VIGIE_SMTP_URL: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || /^smtps?:\/\/[^/@\s]+(:\d+)?\/?$/.test(value), 'smtp://host:port or smtps://host:port, no credentials in the URL'),
  VIGIE_SMTP_FROM: z.string().trim().min(3).max(254).default('Vigie <vigie@localhost>'),
  VIGIE_SMTP_USERNAME: z.string().max(200).optional(),
  VIGIE_SMTP_PASSWORD_FILE: z.string().min(1).optional(),
  VIGIE_ONCALL_ESCALATION_MINUTES: z.coerce.number().int().min(1).max(240).default(5),
  VIGIE_ONCALL_ACK_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  VIGIE_ONCALL_BASE_URL: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || /^https?:\/\/[^/@\s]+(\/[^\s]*)?$/.test(value), 'http(s)://host[:port][/path], no credentials'),
  VIGIE_ONCALL_SEND_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  VIGIE_ONCALL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  // Parent folders under which storage volumes may be rooted (path-separated list; default: the data folder).
  VIGIE_STORAGE_ROOTS: z.string().optional(),
  // Prometheus metrics on their own listener, loopback only by default; unset: no metrics served.
  VIGIE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VIGIE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIE_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(365).max(3650).default(1095),
  VIGIE_COOKIE_SECURE: booleanText.optional(),
  VIGIE_TRUST_PROXY: booleanText.default(false),
  VIGIE_ROLES: z
    .string()
    .default('api,recorder,worker')
    .transform((value, context) => {
      const list = [
        ...new Set(
          value
            .split(',')
            .map((role) => role.trim())
            .filter(Boolean),
        ),
      ];
      const unknown = list.filter((role) => !(processRoles as readonly string[]).includes(role));
      if (list.length === 0 || unknown.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `comma-separated list of ${processRoles.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
        });
        return z.NEVER;
      }
      return list as ProcessRole[];
    }),
  VIGIE_SEGMENT_SECONDS: z.coerce.number().int().min(10).max(600).default(60),
  // Worker threads for the native engine's cameras (issue 12): auto (some from 600 native cameras on a machine of 2+ cores), or 0-64 (0: the role's own thread).
  VIGIE_RECORDER_THREADS: z.union([z.literal('auto'), z.coerce.number().int().min(0).max(64)]).default('auto'),
  VIGIE_RECONCILE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  // No frame may outlive its retention by more than a minute (LEGAL 6): a pass every 30 s, cheap when nothing is due.
  // At most 30 s: a segment due just after a pass waits one interval plus the pass itself, and must not wait a minute.
  VIGIE_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(30).default(30),
  VIGIE_SPACE_CHECK_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  // Camera picture checks (docs/health.md): one picture of each recorded camera every N seconds.
  VIGIE_CAMERA_HEALTH_INTERVAL_SECONDS: z.coerce.number().min(1).max(600).default(10),
  // ONVIF device facts (issue 18) are read again this often; 0: only when a camera is new or its ONVIF settings change.
  VIGIE_DEVICE_FACTS_HOURS: z.coerce.number().min(0).max(168).default(6),
  // The console's map (issue 5): no tiles by default, the map then shows cameras on a blank ground.
  VIGIE_MAP_TILE_URL: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => parseTileUrl(value || undefined, context)),
  VIGIE_MAP_ATTRIBUTION: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((value) => value || null),
  VIGIE_MAP_CENTER: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => parseMapCenter(value || undefined, context)),
  // The media tools every child process runs (recorders, live, stills, playback re-encodes, mask checks, the indexer's probe).
  VIGIE_FFMPEG: z.string().min(1).default('ffmpeg'),
  VIGIE_FFPROBE: z.string().min(1).default('ffprobe'),
  // Who runs a command-line action, for its audit rows (`cli:<user>`): the sudo caller first.
  SUDO_USER: z.string().optional(),
  USER: z.string().optional(),
  LOGNAME: z.string().optional(),
});

/** Map tiles: an `https://…/{z}/{x}/{y}.png` template (http only on loopback), and the origin the console's CSP must allow. */
function parseTileUrl(value: string | undefined, context: z.RefinementCtx): { url: string; origin: string } | null {
  if (value === undefined) return null;
  const problem = (message: string) => {
    context.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (!['{z}', '{x}', '{y}'].every((placeholder) => value.includes(placeholder))) return problem('a tile URL template with {z}, {x} and {y}');
  let parsed: URL;
  try {
    parsed = new URL(value.replaceAll('{s}', 'a').replace(/\{[a-z]+\}/g, '0'));
  } catch {
    return problem('not a URL');
  }
  const loopback = /^(127\.|localhost$|\[::1\]$)/.test(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) return problem('https:// required (http:// only on loopback)');
  if (parsed.username || parsed.password) return problem('no credentials in the tile URL');
  const host = value.slice(value.indexOf('//') + 2).split('/')[0]!;
  // {s} (subdomains a, b, c) is allowed only as the leftmost label: the CSP then allows *.rest.
  if (host.includes('{s}') && !/^\{s\}\.[^{}]+$/.test(host)) return problem('{s} only as the first label of the host');
  const bareHost = host.replace(/^\{s\}\./, '');
  if (!/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:\d{1,5})?$/.test(bareHost)) return problem('a plain host name (placeholders only in the path, or a leading {s}.)');
  const origin = `${parsed.protocol}//${host.startsWith('{s}.') ? `*.${bareHost}` : bareHost}`.toLowerCase();
  return { url: value, origin };
}

/** Where checkpoints are pushed: https (http only on loopback), no credentials in the URL (it is logged). */
function parseWebhookUrl(value: string | undefined, context: z.RefinementCtx): string | null {
  if (value === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'not a URL' });
    return z.NEVER;
  }
  const loopback = /^(127\.|localhost$|\[::1\]$)/.test(parsed.hostname);
  const problem =
    parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)
      ? 'https:// required (http:// only on loopback)'
      : parsed.username || parsed.password
        ? 'no credentials in the webhook URL'
        : null;
  if (problem) {
    context.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return parsed.toString();
}

/** The checkpoints must not lie in the database's folder: whoever copies or restores that folder would take them with it. */
function checkpointDirectory(configured: string | undefined, dataDir: string, database: DatabaseConfig): string {
  const directory = resolve(configured ?? resolve(dataDir, 'checkpoints'));
  if (database.dialect === 'sqlite' && database.path !== ':memory:' && directory === dirname(database.path)) {
    throw new ConfigError(`Invalid configuration / configuration invalide:\n  VIGIE_CHECKPOINT_DIR: must not be the database's folder (${directory})`);
  }
  return directory;
}

function parseMapCenter(value: string | undefined, context: z.RefinementCtx): { latitude: number; longitude: number } | null {
  if (value === undefined) return null;
  const match = /^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/.exec(value);
  const [latitude, longitude] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
    context.addIssue({ code: 'custom', message: '"latitude,longitude" in degrees, e.g. 45.19,5.72' });
    return z.NEVER;
  }
  return { latitude, longitude };
}

/** What a process runs: the HTTP API, the recorders (with their purge and space monitor), the background jobs. */
export const processRoles = ['api', 'recorder', 'worker'] as const;
export type ProcessRole = (typeof processRoles)[number];

export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export interface Config {
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly host: string;
  readonly port: number;
  readonly secretKeyFile: string;
  /** HMAC key of the audit and segment chains (and where keyed hashing starts), outside the database. */
  readonly chainKeyFile: string;
  /** Ed25519 key signing the checkpoints. */
  readonly signingKeyFile: string;
  /** Signed checkpoints of the chain heads: folder (never the database's), interval, optional webhook. */
  readonly checkpoints: { readonly directory: string; readonly intervalMs: number; readonly webhookUrl: string | null };
  /** Root of the local storage volume of recordings. */
  readonly recordingsDir: string;
  readonly logLevel: z.infer<typeof environmentSchema>['VIGIE_LOG_LEVEL'];
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  readonly loginMaxFailures: number;
  readonly lockoutMinutes: number;
  readonly signInAttemptsPerMinute: number;
  readonly holds: { readonly windowHours: number; readonly provisionalHours: number; readonly reviewDays: number };
  /** A requisition is due this long after it is received. */
  readonly requisitionTargetHours: number;
  /** An evidence package is purged this many days after its requisition is delivered or closed (0..90). */
  readonly exportKeepAfterDeliveryDays: number;
  /** The shifts of the alarm figures, Paris time ("07:00-19:00,19:00-07:00"). */
  readonly alarmShifts: string;
  /** Alarms: fold window, webhook rate per source, the MQTT broker (null: no MQTT intake). */
  readonly alarms: {
    readonly foldWindowMs: number;
    readonly webhookPerSourcePerMinute: number;
    /** CAP 1.2 feeds: how often each is polled, and the timeout of each request (ms). */
    readonly cap: { readonly pollIntervalMs: number; readonly fetchTimeoutMs: number };
    /** How long an alarm of priority 1, 2, 3, 4 may stay `new` before it escalates (ms). */
    readonly escalationMs: readonly [number, number, number, number];
    /** The live queue's WebSocket: heartbeat interval, and the send buffer past which a client is cut. */
    readonly live: { readonly heartbeatMs: number; readonly maxBufferedBytes: number };
    readonly mqtt: {
      readonly url: string;
      readonly username: string | null;
      readonly password: string | null;
      readonly passwordFile: string | null;
      readonly caFile: string | null;
      readonly clientId: string;
      readonly topicPrefix: string;
      readonly sessionExpirySeconds: number;
      readonly reconnectMs: number;
    } | null;
    /** SIA DC-09: the receiver's sockets (null: none), the supervision's grace and check period. */
    readonly dc09: {
      readonly listener: {
        readonly host: string;
        readonly port: number;
        readonly maxConnections: number;
        readonly idleTimeoutMs: number;
        readonly maxUdpInFlight: number;
      } | null;
      readonly supervisionGraceMs: number;
      readonly supervisionCheckMs: number;
    };
  };
  /** The on-call chain: SMTP (null: no e-mail), escalation delay, acknowledgement links' validity and base address, sends' timeout and attempts. */
  readonly oncall: {
    readonly smtp: { readonly url: string; readonly from: string; readonly username: string | null; readonly passwordFile: string | null } | null;
    readonly escalationMs: number;
    readonly ackValidityMs: number;
    readonly baseUrl: string;
    readonly sendTimeoutMs: number;
    readonly maxAttempts: number;
  };
  /** Folders under which a storage volume may be rooted (resolved, absolute). */
  readonly storageRoots: readonly string[];
  /** The metrics listener, or null when metrics are not served. */
  readonly metrics: { readonly host: string; readonly port: number } | null;
  readonly auditRetentionDays: number;
  /** Cookies carry the Secure flag; defaults to true unless the server listens on loopback. */
  readonly cookieSecure: boolean;
  readonly trustProxy: boolean;
  readonly roles: readonly ProcessRole[];
  readonly segmentSeconds: number;
  /** Worker threads of the native engine: a count (0: the role's thread) or `auto`. */
  readonly recorderThreads: number | 'auto';
  readonly reconcileIntervalMs: number;
  readonly purgeIntervalMs: number;
  readonly spaceCheckIntervalMs: number;
  /** How often the picture of each recorded camera is checked (camera-health). */
  readonly cameraHealthIntervalMs: number;
  /** ONVIF device facts are read again this long after the last read; 0: only new or changed cameras. */
  readonly deviceFactsRefreshMs: number;
  /** Commands of ffmpeg and ffprobe (default: looked up on PATH), passed to whatever starts them. */
  readonly tools: { readonly ffmpegPath: string; readonly ffprobePath: string };
  /** The operating-system user running this process (SUDO_USER, USER, LOGNAME; `unknown`): CLI actions are audited as `cli:<user>`. */
  readonly operatingSystemUser: string;
  /** The console's map: tile template and the origin its CSP allows, attribution, initial centre (null: fit the cameras). */
  readonly map: {
    readonly tileUrl: string | null;
    readonly tileOrigin: string | null;
    readonly attribution: string | null;
    readonly center: { readonly latitude: number; readonly longitude: number } | null;
  };
}

export class ConfigError extends Error {}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { dialect: 'sqlite', path: resolve(dataDir, 'vigie.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  const path = url.replace(/^sqlite:(\/\/)?/, '').replace(/^file:(\/\/)?/, '');
  return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration / configuration invalide:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.VIGIE_DATA_DIR);
  const loopback = /^(127\.|::1$|localhost$)/.test(env.VIGIE_HOST);
  const database = parseDatabaseUrl(env.DATABASE_URL, dataDir);
  const secretKeyFile = resolve(env.VIGIE_SECRET_KEY_FILE ?? resolve(dataDir, 'secret.key'));
  return Object.freeze({
    dataDir,
    database,
    host: env.VIGIE_HOST,
    port: env.VIGIE_PORT,
    secretKeyFile,
    chainKeyFile: resolve(env.VIGIE_CHAIN_KEY_FILE ?? resolve(dirname(secretKeyFile), 'chain.key')),
    signingKeyFile: resolve(env.VIGIE_SIGNING_KEY_FILE ?? resolve(dirname(secretKeyFile), 'signing.key')),
    checkpoints: Object.freeze({
      directory: checkpointDirectory(env.VIGIE_CHECKPOINT_DIR, dataDir, database),
      intervalMs: env.VIGIE_CHECKPOINT_INTERVAL_MINUTES * 60_000,
      webhookUrl: env.VIGIE_CHECKPOINT_WEBHOOK_URL,
    }),
    recordingsDir: resolve(env.VIGIE_RECORDINGS_DIR ?? resolve(dataDir, 'recordings')),
    logLevel: env.VIGIE_LOG_LEVEL,
    sessionIdleMinutes: env.VIGIE_SESSION_IDLE_MINUTES,
    sessionMaxHours: env.VIGIE_SESSION_MAX_HOURS,
    loginMaxFailures: env.VIGIE_LOGIN_MAX_FAILURES,
    lockoutMinutes: env.VIGIE_LOCKOUT_MINUTES,
    signInAttemptsPerMinute: env.VIGIE_SIGNIN_ATTEMPTS_PER_MINUTE,
    holds: Object.freeze({
      windowHours: env.VIGIE_HOLD_WINDOW_HOURS,
      provisionalHours: env.VIGIE_HOLD_PROVISIONAL_HOURS,
      reviewDays: env.VIGIE_HOLD_REVIEW_DAYS,
    }),
    requisitionTargetHours: env.VIGIE_REQUISITION_TARGET_HOURS,
    exportKeepAfterDeliveryDays: env.VIGIE_EXPORT_KEEP_AFTER_DELIVERY_DAYS,
    alarmShifts: env.VIGIE_ALARM_SHIFTS,
    alarms: Object.freeze({
      foldWindowMs: env.VIGIE_ALARM_FOLD_SECONDS * 1000,
      webhookPerSourcePerMinute: env.VIGIE_ALARM_WEBHOOK_PER_MINUTE,
      cap: Object.freeze({ pollIntervalMs: env.VIGIE_ALARM_CAP_POLL_SECONDS * 1000, fetchTimeoutMs: env.VIGIE_ALARM_CAP_FETCH_TIMEOUT_SECONDS * 1000 }),
      escalationMs: Object.freeze([
        env.VIGIE_ALARM_ESCALATION_P1_SECONDS * 1000,
        env.VIGIE_ALARM_ESCALATION_P2_SECONDS * 1000,
        env.VIGIE_ALARM_ESCALATION_P3_SECONDS * 1000,
        env.VIGIE_ALARM_ESCALATION_P4_SECONDS * 1000,
      ]) as readonly [number, number, number, number],
      live: Object.freeze({ heartbeatMs: env.VIGIE_ALARM_LIVE_HEARTBEAT_SECONDS * 1000, maxBufferedBytes: env.VIGIE_ALARM_LIVE_BUFFER_KIB * 1024 }),
      mqtt: env.VIGIE_ALARM_MQTT_URL
        ? Object.freeze({
            url: env.VIGIE_ALARM_MQTT_URL,
            username: env.VIGIE_ALARM_MQTT_USERNAME ?? null,
            password: env.VIGIE_ALARM_MQTT_PASSWORD ?? null,
            passwordFile: env.VIGIE_ALARM_MQTT_PASSWORD_FILE ? resolve(env.VIGIE_ALARM_MQTT_PASSWORD_FILE) : null,
            caFile: env.VIGIE_ALARM_MQTT_CA_FILE ? resolve(env.VIGIE_ALARM_MQTT_CA_FILE) : null,
            clientId: env.VIGIE_ALARM_MQTT_CLIENT_ID,
            topicPrefix: env.VIGIE_ALARM_MQTT_TOPIC_PREFIX,
            // A week: the broker keeps unacknowledged alarms for a Vigie that is down that long.
            sessionExpirySeconds: 7 * 86_400,
            reconnectMs: 1000,
          })
        : null,
      dc09: Object.freeze({
        listener:
          env.VIGIE_ALARM_DC09_PORT === undefined
            ? null
            : Object.freeze({
                host: env.VIGIE_ALARM_DC09_HOST,
                port: env.VIGIE_ALARM_DC09_PORT,
                maxConnections: env.VIGIE_ALARM_DC09_MAX_CONNECTIONS,
                idleTimeoutMs: env.VIGIE_ALARM_DC09_IDLE_SECONDS * 1000,
                maxUdpInFlight: 256,
              }),
        supervisionGraceMs: env.VIGIE_ALARM_DC09_SUPERVISION_GRACE_SECONDS * 1000,
        supervisionCheckMs: 15_000,
      }),
    }),
    oncall: Object.freeze({
      smtp: env.VIGIE_SMTP_URL
        ? Object.freeze({
            url: env.VIGIE_SMTP_URL,
            from: env.VIGIE_SMTP_FROM,
            username: env.VIGIE_SMTP_USERNAME ?? null,
            passwordFile: env.VIGIE_SMTP_PASSWORD_FILE ? resolve(env.VIGIE_SMTP_PASSWORD_FILE) : null,
          })
        : null,
      escalationMs: env.VIGIE_ONCALL_ESCALATION_MINUTES * 60_000,
      ackValidityMs: env.VIGIE_ONCALL_ACK_HOURS * 3_600_000,
      baseUrl: env.VIGIE_ONCALL_BASE_URL ?? `http://${env.VIGIE_HOST.includes(':') ? `[${env.VIGIE_HOST}]` : env.VIGIE_HOST}:${env.VIGIE_PORT}`,
      sendTimeoutMs: env.VIGIE_ONCALL_SEND_TIMEOUT_SECONDS * 1000,
      maxAttempts: env.VIGIE_ONCALL_MAX_ATTEMPTS,
    }),
    storageRoots: Object.freeze((env.VIGIE_STORAGE_ROOTS ? env.VIGIE_STORAGE_ROOTS.split(delimiter).filter(Boolean) : [dataDir]).map((root) => resolve(root))),
    metrics: env.VIGIE_METRICS_PORT === undefined ? null : Object.freeze({ host: env.VIGIE_METRICS_HOST, port: env.VIGIE_METRICS_PORT }),
    auditRetentionDays: env.VIGIE_AUDIT_RETENTION_DAYS,
    cookieSecure: env.VIGIE_COOKIE_SECURE ?? !loopback,
    trustProxy: env.VIGIE_TRUST_PROXY,
    roles: Object.freeze([...env.VIGIE_ROLES]),
    segmentSeconds: env.VIGIE_SEGMENT_SECONDS,
    recorderThreads: env.VIGIE_RECORDER_THREADS,
    reconcileIntervalMs: env.VIGIE_RECONCILE_SECONDS * 1000,
    purgeIntervalMs: env.VIGIE_PURGE_INTERVAL_SECONDS * 1000,
    spaceCheckIntervalMs: env.VIGIE_SPACE_CHECK_SECONDS * 1000,
    cameraHealthIntervalMs: env.VIGIE_CAMERA_HEALTH_INTERVAL_SECONDS * 1000,
    deviceFactsRefreshMs: env.VIGIE_DEVICE_FACTS_HOURS * 3600_000,
    tools: Object.freeze({ ffmpegPath: env.VIGIE_FFMPEG, ffprobePath: env.VIGIE_FFPROBE }),
    operatingSystemUser: env.SUDO_USER ?? env.USER ?? env.LOGNAME ?? 'unknown',
    map: Object.freeze({
      tileUrl: env.VIGIE_MAP_TILE_URL?.url ?? null,
      tileOrigin: env.VIGIE_MAP_TILE_URL?.origin ?? null,
      attribution: env.VIGIE_MAP_ATTRIBUTION,
      center: env.VIGIE_MAP_CENTER,
    }),
  });
}
