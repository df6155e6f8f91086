// Where a storage volume may be rooted (issue 11), pure: inside one of the configured parents
// (VIGIE_STORAGE_ROOTS, the data folder by default), never the data folder itself or a folder
// holding it, the database or the secret key (a purge or a verify there would touch them),
// never inside the console's static files (segments would be served without sign-in), never a
// system folder.
import { isAbsolute, relative, resolve, sep } from 'node:path';

export interface VolumeRootPolicy {
  /** Absolute folders a root must lie strictly inside; null: no restriction (tests building the service alone). */
  allowedParents: readonly string[] | null;
  /** Paths a root may neither be nor contain (data folder, database file, secret key). */
  protectedPaths: readonly string[];
  /** Folders a root may not lie in (the console's static files). */
  forbiddenParents: readonly string[];
}

export const unrestrictedRoots: VolumeRootPolicy = { allowedParents: null, protectedPaths: [], forbiddenParents: [] };

const systemFolders = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/run', '/sbin', '/sys', '/usr'];
const worldWritable = ['/tmp', '/var/tmp', '/dev/shm'];

const within = (child: string, parent: string) => {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path));
};
const strictlyWithin = (child: string, parent: string) => child !== parent && within(child, parent);

/** Why `root` cannot be a volume root, in French and English, or null. */
export function volumeRootProblem(rootInput: string, policy: VolumeRootPolicy): { fr: string; en: string } | null {
  const root = resolve(rootInput);
  if (root === '/' || systemFolders.some((folder) => within(root, folder)) || worldWritable.includes(root)) {
    return { fr: `${root} est un dossier du système.`, en: `${root} is a system folder.` };
  }
  const protectedPath = policy.protectedPaths.find((path) => within(resolve(path), root));
  if (protectedPath) return { fr: `${root} contient ${protectedPath} (données de Vigie).`, en: `${root} holds ${protectedPath} (Vigie's own data).` };
  const served = policy.forbiddenParents.find((folder) => within(root, resolve(folder)));
  if (served) return { fr: `${root} est dans ${served}, servi sans connexion.`, en: `${root} lies in ${served}, served without sign-in.` };
  if (policy.allowedParents && !policy.allowedParents.some((parent) => strictlyWithin(root, resolve(parent)))) {
    return {
      fr: `${root} n’est sous aucun dossier autorisé (VIGIE_STORAGE_ROOTS : ${policy.allowedParents.join(', ')}).`,
      en: `${root} lies under no allowed folder (VIGIE_STORAGE_ROOTS: ${policy.allowedParents.join(', ')}).`,
    };
  }
  return null;
}
