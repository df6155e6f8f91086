// Table types of the exports module (issue 13 item 4); schema.ts joins them into DatabaseSchema.
import type { BigintColumn } from './schema-recording.ts';

export interface EvidencePackagesTable {
  id: string;
  requisition_id: string;
  commune_insee: string;
  /** queued | building | ready | failed | purged */
  state: string;
  /** 0..1 */
  progress: number;
  progress_message: string;
  created_by: string;
  created_by_id: string | null;
  created_by_role: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  zip_path: string | null;
  zip_bytes: BigintColumn | null;
  zip_sha256: string | null;
  journal: string | null;
  error_code: string | null;
  error_message: string | null;
  purged_at: string | null;
}

export interface EvidencePackageItemsTable {
  package_id: string;
  position: number;
  camera_id: string;
  from_ms: BigintColumn;
  to_ms: BigintColumn;
}

export interface ExportsSchema {
  evidence_packages: EvidencePackagesTable;
  evidence_package_items: EvidencePackageItemsTable;
}
