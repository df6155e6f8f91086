// The scanned requisition (issue 13 item 1): a PDF or an image, its type checked by its first
// bytes, at most 10 MB, stored sealed in a folder for Vigie's account only (folders 0700, files
// read-only 0400, created exclusively: never overwritten), its SHA-256 kept and checked again at
// each read. A new version supersedes the previous one (with a reason), which stays on disk and
// listed; every upload and every read is audited.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import type { AuditApi } from '../audit/index.ts';
import type { RequisitionsRepository } from './requisitions.repository.ts';
import { documentExtensions, documentTypeOf, type DocumentType } from './requisitions.rules.ts';
import { documentInputSchema, MAX_DOCUMENT_BYTES, type DocumentView } from './requisitions.schemas.ts';
import type { Acting, RequisitionsService } from './requisitions.service.ts';
import { documentView } from './requisitions.views.ts';

/** Where sealed documents live (injectable: tests use a temporary folder). Paths are relative to its root. */
export interface DocumentStore {
  /** Creates the file; fails if it exists (a sealed document is never replaced). */
  create(relativePath: string, bytes: Uint8Array): Promise<void>;
  read(relativePath: string): Promise<Buffer>;
  /** Removes a file whose database rows were not committed. */
  discard(relativePath: string): Promise<void>;
}

export function folderDocumentStore(root: string): DocumentStore {
  return {
    async create(relativePath, bytes) {
      const path = join(root, relativePath);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, bytes, { flag: 'wx', mode: 0o400 });
    },
    read: (relativePath) => readFile(join(root, relativePath)),
    discard: (relativePath) => rm(join(root, relativePath), { force: true }),
  };
}

const refused = (fr: string, en: string) => new DomainError('requisition_document_invalid', { fr, en });

export class RequisitionDocuments {
  constructor(
    private readonly repository: RequisitionsRepository,
    private readonly requisitions: Pick<RequisitionsService, 'assertMayFile' | 'readable'>,
    private readonly store: DocumentStore,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
  ) {}

  async add(requisitionId: string, input: unknown, acting: Acting): Promise<DocumentView> {
    const data = documentInputSchema.parse(input);
    const bytes = Buffer.from(data.contentBase64, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_DOCUMENT_BYTES)
      throw refused(`Document de ${bytes.length} octets : 10 Mo au plus.`, `Document of ${bytes.length} bytes: 10 MB at most.`);
    const mediaType = documentTypeOf(bytes);
    if (!mediaType) throw refused('Ce fichier n’est ni un PDF, ni une image PNG ou JPEG.', 'This file is neither a PDF nor a PNG or JPEG image.');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.requisitions.assertMayFile(await this.repository.find(requisitionId), acting);
    const before = await this.repository.documentsOf([requisitionId]);
    const version = before.length + 1;
    if (before.length > 0 && !data.reason)
      throw refused(
        'Remplacer le document demande un motif (l’ancienne version reste conservée).',
        'Superseding the document needs a reason (the old version is kept).',
      );
    const path = join(requisitionId, `v${version}-${sha256.slice(0, 16)}.${documentExtensions[mediaType]}`);
    const at = this.clock.now().toISOString();
    const by = acting.actor.login ?? acting.actor.type;
    await this.store.create(path, bytes);
    try {
      const row = {
        requisition_id: requisitionId,
        version,
        file_name: data.fileName,
        media_type: mediaType,
        bytes: bytes.length,
        sha256,
        path,
        uploaded_at: at,
        uploaded_by: by,
        reason: data.reason ?? null,
        superseded_at: null,
      };
      await this.repository.transaction(async (trx) => {
        const requisition = await this.repository.find(requisitionId, trx);
        this.requisitions.assertMayFile(requisition, acting);
        await this.repository.supersedeDocuments(trx, requisitionId, at);
        await this.repository.insertDocument(trx, row);
        await this.audit.record(trx, acting.actor, {
          action: 'requisition.document_added',
          communeInsee: requisition.commune_insee,
          targetType: 'requisition',
          targetId: requisitionId,
          reason: data.reason ?? null,
          details: { version, fileName: data.fileName, mediaType, bytes: bytes.length, sha256, supersedes: version > 1 ? version - 1 : null },
        });
      });
      return documentView(row);
    } catch (error) {
      await this.store.discard(path);
      throw error;
    }
  }

  /** The bytes of one version, checked against their SHA-256; each read is audited. */
  async read(requisitionId: string, version: number, acting: Acting): Promise<{ bytes: Buffer; mediaType: DocumentType; fileName: string }> {
    const requisition = await this.requisitions.readable(requisitionId, acting.principal);
    const document = (await this.repository.documentsOf([requisitionId])).find((candidate) => Number(candidate.version) === version);
    if (!document) throw new DomainError('not_found', { fr: 'Version du document introuvable.', en: 'Document version not found.' });
    const bytes = await this.store.read(document.path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== document.sha256) throw new DomainError('requisition_document_altered', { details: { version, expected: document.sha256, found: sha256 } });
    await this.audit.recordAlone(acting.actor, {
      action: 'requisition.document_read',
      communeInsee: requisition.commune_insee,
      targetType: 'requisition',
      targetId: requisitionId,
      details: { version, sha256 },
    });
    return { bytes, mediaType: document.media_type as DocumentType, fileName: document.file_name };
  }
}
