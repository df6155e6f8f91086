// The package's text files and its ZIP, once the MP4s exist: LISEZMOI.txt (French, then
// English), manifest.sha256 (the `sha256sum` format: every file but the manifest, its signature
// and the public key, in path order), its minisign signature, the public key, then the ZIP
// streamed to `<name>.zip.partial` (media stored, text deflated; ZIP64 where needed, yazl
// decides) and renamed once complete, so a half ZIP never carries the final name.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { type EvidenceJournal, packageFiles } from './exports.journal.ts';

/** A file of the package: its path inside it, and its bytes or the file on disk holding them. */
export type PackageEntry = { name: string; bytes: Buffer } | { name: string; diskPath: string };

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Files the manifest does not list: itself, its signature and the key that checks it. */
export const unlistedFiles: ReadonlySet<string> = new Set([packageFiles.manifest, packageFiles.signature, packageFiles.publicKey]);

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `<sha256>  <path>` lines in path order (byte order of the UTF-8 names, as `LC_ALL=C sort`). */
export function manifestText(hashes: ReadonlyMap<string, string>): string {
  const names = [...hashes.keys()].filter((name) => !unlistedFiles.has(name)).sort(byPath);
  return names.map((name) => `${hashes.get(name)}  ${name}\n`).join('');
}

export function readmeText(journal: EvidenceJournal): string {
  const requisition = journal.requisition;
  const items = journal.items.map((item) => `  - ${item.file} : ${item.cameraName} (${item.cameraId}), ${item.imageStartParis} -> ${item.imageEndParis}`);
  const itemsEn = journal.items.map((item) => `  - ${item.file}: ${item.cameraName} (${item.cameraId}), ${item.imageStart} -> ${item.imageEnd}`);
  return [
    `PAQUET DE PREUVE VIDÉO ${journal.packageId}`,
    `Produit par ${journal.installation.name} le ${journal.createdAtParis} (heure de Paris) pour ${journal.exporter.name}.`,
    requisition
      ? `Réquisition : procédure ${requisition.procedureNumber} (${requisition.legalFramework}), ${requisition.officerRank} ${requisition.officerName}, ${requisition.officerUnit}.`
      : '',
    '',
    'Contenu :',
    `  - ${packageFiles.mediaDirectory}/ : les vidéos MP4 (lisibles par tout lecteur), une par caméra et par plage ;`,
    ...items,
    `  - ${packageFiles.journal} : le journal d'extraction (dates et heures des images en UTC et heure de Paris, caméras, lieux, interruptions, exportateur) ;`,
    `  - ${packageFiles.player} : un lecteur hors ligne (ouvrir dans un navigateur) ;`,
    `  - ${packageFiles.report} : le procès-verbal d'extraction ;`,
    `  - ${packageFiles.manifest} : l'empreinte SHA-256 de chaque fichier ;`,
    `  - ${packageFiles.signature} : la signature minisign (Ed25519) de ce manifeste ; ${packageFiles.publicKey} : la clé publique.`,
    '',
    'Vérifier le paquet (dans le dossier décompressé) :',
    `  minisign -Vm ${packageFiles.manifest} -p ${packageFiles.publicKey}     (la signature du manifeste)`,
    `  sha256sum -c ${packageFiles.manifest}                       (chaque fichier contre le manifeste)`,
    `Empreinte de la clé publique (SHA-256 de ${packageFiles.publicKey}) : ${journal.signature.publicKeySha256}, identifiant ${journal.signature.keyId}.`,
    "Comparez-la à celle que l'installation communique par ailleurs : une clé incluse ne prouve rien seule.",
    '',
    '-----',
    '',
    `VIDEO EVIDENCE PACKAGE ${journal.packageId}`,
    `Produced by ${journal.installation.name} on ${journal.createdAt} (UTC) for ${journal.exporter.name}.`,
    requisition
      ? `Requisition: procedure ${requisition.procedureNumber} (${requisition.legalFramework}), ${requisition.officerRank} ${requisition.officerName}, ${requisition.officerUnit}.`
      : '',
    '',
    'Contents:',
    `  - ${packageFiles.mediaDirectory}/: the MP4 videos (playable in any player), one per camera and range;`,
    ...itemsEn,
    `  - ${packageFiles.journal}: the extraction journal (image times in UTC and Paris time, cameras, locations, gaps, exporter);`,
    `  - ${packageFiles.player}: an offline player (open it in a browser);`,
    `  - ${packageFiles.report}: the extraction report (PDF, French);`,
    `  - ${packageFiles.manifest}: the SHA-256 of every file;`,
    `  - ${packageFiles.signature}: the minisign (Ed25519) signature of that manifest; ${packageFiles.publicKey}: the public key.`,
    '',
    'To verify the package (in the unzipped folder):',
    `  minisign -Vm ${packageFiles.manifest} -p ${packageFiles.publicKey}`,
    `  sha256sum -c ${packageFiles.manifest}`,
    `Public key fingerprint (SHA-256 of ${packageFiles.publicKey}): ${journal.signature.publicKeySha256}, key id ${journal.signature.keyId}.`,
    'Compare it with the one the installation gives through another channel: an included key proves nothing by itself.',
    '',
  ].join('\n');
}

/** Writes the ZIP to `<target>.partial`, then renames it to `target`; media stored, text deflated. */
export async function writeZip(target: string, entries: readonly PackageEntry[], mtime: Date): Promise<void> {
  const partial = `${target}.partial`;
  const zip = new ZipFile();
  for (const entry of [...entries].sort((a, b) => byPath(a.name, b.name))) {
    const compress = !entry.name.endsWith('.mp4');
    if ('bytes' in entry) zip.addBuffer(entry.bytes, entry.name, { compress, mtime, mode: 0o100644 });
    else zip.addFile(entry.diskPath, entry.name, { compress, mtime, mode: 0o100644 });
  }
  zip.end();
  try {
    await pipeline(zip.outputStream, createWriteStream(partial, { mode: 0o600, flags: 'w' }));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
