// Pure helpers of the device facts panel.

/** `+2 s`, `−45 min`: the camera clock minus Vigie's, as people read it. */
export function formatClockOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '−' : '+';
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  if (seconds < 120) return `${sign}${seconds} s`;
  if (seconds < 7200) return `${sign}${Math.round(seconds / 60)} min`;
  return `${sign}${Math.round(seconds / 3600)} h`;
}
