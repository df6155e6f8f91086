// Which lines of ffmpeg's stderr are worth an operator's log. With `-loglevel warning`, ffmpeg
// still prints notices that every camera's start produces on a copy of an RTSP stream (the
// first packets come before their timestamps are known); logging them for each camera and
// each restart buried the real warnings (a lost stream, a refused password).

const startupNotices: readonly RegExp[] = [
  /Timestamps are unset in a packet for stream \d+/,
  /Non-monotonous DTS in output stream \d+:\d+; previous: \d+, current: \d+; changing to \d+/,
  /Stream #\d+: not enough frames to estimate rate/,
];

/** Whether an ffmpeg stderr line is one of the harmless start-up notices (not logged). */
export function isStartupNotice(line: string): boolean {
  return startupNotices.some((pattern) => pattern.test(line));
}
