// Credentials never reach a log: URLs lose their user-info, command lines their passwords.

const userInfoInUrl = /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+)(:[^/@\s]*)?@/gi;

export function redactUrl(text: string): string {
  return text.replace(userInfoInUrl, '$1***:***@');
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
