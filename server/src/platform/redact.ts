// Credentials never reach a log: URLs lose their user-info, command lines their passwords.

/** User-info longer than this is not user-info (and bounds the work per `://`). */
const MAX_USER_INFO = 512;
const schemeCharacter = /[a-z0-9+.-]/i;
const userInfoEnd = new Set(['/', '@', ' ', '\t', '\r', '\n', '\f', '\v']);

/**
 * Replaces the user-info of every `scheme://user[:password]@` with `***:***@`. Linear in the
 * text's length (a scan from each `://`, bounded), unlike a regular expression with a
 * repeated scheme part, which backtracks in time growing with the square of a long cell.
 */
export function redactUrl(text: string): string {
  let output = '';
  let copied = 0;
  for (let index = text.indexOf('://'); index !== -1; index = text.indexOf('://', index + 3)) {
    if (index === 0 || !schemeCharacter.test(text[index - 1]!)) continue;
    const start = index + 3;
    let end = start;
    while (end < text.length && end - start <= MAX_USER_INFO && !userInfoEnd.has(text[end]!)) end++;
    if (text[end] !== '@' || end === start || text[start] === ':') continue;
    output += `${text.slice(copied, start)}***:***@`;
    copied = end + 1;
    index = end - 2;
  }
  return copied === 0 ? text : output + text.slice(copied);
}

/** Redacts credentials in free text: URLs with user-info and `password=...` style pairs. */
export function redactText(text: string): string {
  return redactUrl(text).replace(/((?:password|passwd|pwd|secret|token)=)[^&\s]+/gi, '$1***');
}

export function stripCredentialsFromUrl(url: string): { url: string; username?: string; password?: string } {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return { url };
    const username = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
    return { url: parsed.toString(), username, password };
  } catch {
    return { url };
  }
}
