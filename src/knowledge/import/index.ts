/** Every importer by knowledge kind: what `dxacode knowledge import KIND FILE...` runs. */
import { hcpcs } from './hcpcs.js';
import { icd10cm } from './icd10cm.js';
import { leie } from './leie.js';
import { mcdArticle } from './mcd.js';
import { mueDme, mueHospital, muePractitioner } from './mue.js';
import { orderReferring } from './order-referring.js';
import { pfsRvu } from './pfs-rvu.js';
import { payerPack } from './payer-pack.js';
import { ptpHospital, ptpPractitioner } from './ptp.js';
import type { Importer, KnowledgeKind } from './types.js';

/** The importer of each kind. */
export const IMPORTERS: Record<KnowledgeKind, Importer> = {
  'ptp-practitioner': ptpPractitioner,
  'ptp-hospital': ptpHospital,
  'mue-practitioner': muePractitioner,
  'mue-hospital': mueHospital,
  'mue-dme': mueDme,
  'pfs-rvu': pfsRvu,
  icd10cm,
  hcpcs,
  'mcd-article': mcdArticle,
  'order-referring': orderReferring,
  leie,
  'payer-pack': payerPack,
};

export { KNOWLEDGE_KINDS, ImportError, type KnowledgeKind, type ImportedData, type ImportFile } from './types.js';
