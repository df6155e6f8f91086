// Pure logic of the ONVIF card: which profiles are chosen, whether the camera can be declared.
export interface ProfileChoice {
  token: string;
  belowFloor: readonly string[];
  streamUrl: string | null;
}

export interface Choice {
  main: string | null;
  sub: string | null;
}

/** The server's proposal, kept only where it names a profile that has a stream. */
export function initialChoice(profiles: readonly ProfileChoice[], proposal: { mainProfileToken: string | null; subProfileToken: string | null }): Choice {
  const usable = (token: string | null) => (token !== null && profiles.some((profile) => profile.token === token && profile.streamUrl) ? token : null);
  return { main: usable(proposal.mainProfileToken), sub: usable(proposal.subProfileToken) };
}

/** Why the camera cannot be declared yet (null: it can). */
export function blocker(profiles: readonly ProfileChoice[], choice: Choice, name: string, siteId: string): 'main' | 'floor' | 'fields' | null {
  const main = profiles.find((profile) => profile.token === choice.main);
  if (!main?.streamUrl) return 'main';
  if (main.belowFloor.length > 0) return 'floor';
  if (name.trim() === '' || siteId === '') return 'fields';
  return null;
}
