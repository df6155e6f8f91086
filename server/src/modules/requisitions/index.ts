// The requisitions module (issue 13 items 1-2): judicial requisitions filed by police users
// within their communes, validated and moved through their states by a supervisor, each with
// the holds it places on the ranges it asks for (the retention module's, joined in its
// transaction) and its sealed scanned document. Other modules import only this file.
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { RequisitionsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditApi } from '../audit/index.ts';
import { folderDocumentStore, RequisitionDocuments, type DocumentStore } from './requisitions.documents.ts';
import { RequisitionsRepository } from './requisitions.repository.ts';
import { requisitionsRoutes } from './requisitions.routes.ts';
import { RequisitionsService, type RequisitionCameras, type RequisitionHoldsPort } from './requisitions.service.ts';

export interface RequisitionsModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  /** The retention module's requisition holds. */
  holds: RequisitionHoldsPort;
  cameras: RequisitionCameras;
  config: {
    /** VIGIE_REQUISITION_TARGET_HOURS (48). */
    targetHours: number;
    /** Scanned documents go in `<dataDir>/requisitions`. */
    dataDir: string;
  };
  /** Tests may keep documents elsewhere. */
  documentStore?: DocumentStore;
}

export interface RequisitionsApi {
  requisitions: RequisitionsService;
  documents: RequisitionDocuments;
}

export function createRequisitionsModule(deps: RequisitionsModuleDeps): VigieModule<RequisitionsApi> {
  const repository = new RequisitionsRepository(tablesOf<RequisitionsSchema>(deps.database.db));
  const requisitions = new RequisitionsService({
    repository,
    audit: deps.audit,
    clock: deps.clock,
    holds: deps.holds,
    cameras: deps.cameras,
    targetHours: deps.config.targetHours,
  });
  const store = deps.documentStore ?? folderDocumentStore(join(deps.config.dataDir, 'requisitions'));
  const documents = new RequisitionDocuments(repository, requisitions, store, deps.audit, deps.clock);
  return { name: 'requisitions', api: { requisitions, documents }, routes: routesOf(requisitionsRoutes, { requisitions, documents }), jobs: [] };
}
