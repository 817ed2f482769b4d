/**
 * Builds the look-ups the rules read from validated tables (compile.ts validates them; the CLI reads them already
 * validated from the build-time snapshot). Loads no schema library, so that the snapshot's path stays light.
 * Throws KnowledgeError when tables that are each valid disagree (a duplicate code, an article without its group).
 */
import type { z } from 'zod';
import type { Jurisdiction } from '../contract/values.js';
import type { Knowledge, KnowledgeTables, MedicareIndex } from './compile.js';
import { KnowledgeError } from './errors.js';
import { NO_OFFICE_SETTINGS } from './office.js';
import { readEmbeddedArticle, readEmbeddedMue, readEmbeddedRvu, type CoverageArticle } from './official.js';
import { compilePack, PackIndex } from './packs.js';
import type { CodeEntry, MedicareBmm, PairsTable, PtpRow } from './schema.js';

function indexMedicare(medicare: MedicareBmm): MedicareIndex {
  const memo = new Map<string, MedicareBmm['categories']>();
  return {
    benefitByCode: new Map(medicare.benefitCodes.map((b) => [b.code, b])),
    excludedByCode: new Map(medicare.excluded.map((e) => [e.code, e])),
    notOnListByCode: new Map(medicare.notOnBmmList.map((n) => [n.code, n])),
    screening: new Set(medicare.screeningOnly.codes),
    covered: new Set(medicare.nationalDiagnosisList.covered),
    notCovered: new Set(medicare.nationalDiagnosisList.notCovered),
    axialDxa: new Set(medicare.axialDxaCodes),
    categoryById: new Map(medicare.categories.map((c) => [c.id, c])),
    categoriesOfDiagnosis(dx) {
      let found = memo.get(dx);
      if (!found) {
        found = medicare.categories.filter((c) => c.diagnoses?.includes(dx) || c.diagnosisPrefixes?.some((p) => dx.startsWith(p)));
        if (memo.size < 10_000) memo.set(dx, found);
      }
      return found;
    },
  };
}

function headersOf(billable: Map<string, string>): Set<string> {
  const headers = new Set<string>();
  for (const code of billable.keys()) {
    const plain = code.replace('.', '');
    for (let n = 3; n < plain.length; n++) {
      const prefix = n === 3 ? plain.slice(0, 3) : `${plain.slice(0, 3)}.${plain.slice(3, n)}`;
      if (!billable.has(prefix)) headers.add(prefix);
    }
  }
  return headers;
}

function expandPairs(table: z.infer<typeof PairsTable>): PtpRow[] {
  const rows: PtpRow[] = [...table.rows];
  for (const group of table.unverifiedGroups) {
    for (const column1 of group.column1) {
      for (const column2 of group.column2) {
        rows.push({
          column1,
          column2,
          effective: group.effective,
          deletion: null,
          modifierIndicator: group.modifierIndicator,
          indicatorConfidence: 'unverified',
          claimTypes: group.claimTypes,
          kind: group.kind,
          rationale: group.rationale,
          source: group.source,
        });
      }
    }
  }
  return rows;
}

function indexBy<T>(items: T[], key: (item: T) => string, table: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (map.has(k)) throw new KnowledgeError(`knowledge table ${table}: duplicate entry ${k}`);
    map.set(k, item);
  }
  return map;
}

/**
 * A code entry with every field of the schema, in the schema's order, those it lacks undefined. Entries with and
 * without the optional fields were objects of five shapes, and the rules' reads of them on every line went megamorphic.
 */
function uniformCodeEntry(entry: CodeEntry): CodeEntry {
  return {
    code: entry.code,
    system: entry.system,
    label: entry.label,
    service: entry.service,
    effective: entry.effective,
    end: entry.end,
    replacedBy: entry.replacedBy,
    statusUnverified: entry.statusUnverified,
    pcTc: entry.pcTc,
    mue: entry.mue,
    mistakes: entry.mistakes,
    source: entry.source,
  };
}

/** Indexes validated tables into the knowledge the rules read. */
export function indexKnowledge(tables: KnowledgeTables): Knowledge {
  const { codes, pairs, modifiers, conventions, medicare, iscd, billable, icdCodes, hcpcsCodes } = tables;
  const codeEntries = codes.entries.map(uniformCodeEntry);
  const byCode = indexBy(codeEntries, (e) => e.code, 'codes');
  const byService = new Map<string, CodeEntry[]>();
  for (const entry of codeEntries) {
    if (entry.service === null) continue;
    const list = byService.get(entry.service) ?? [];
    list.push(entry);
    byService.set(entry.service, list);
  }

  const rows = expandPairs(pairs);
  const byPair = new Map<string, PtpRow[]>();
  const byColumns = new Map<string, Map<string, PtpRow[]>>();
  for (const row of rows) {
    const key = `${row.column1}|${row.column2}`;
    const list = [...(byPair.get(key) ?? []), row];
    byPair.set(key, list);
    let byColumn2 = byColumns.get(row.column1);
    if (byColumn2 === undefined) byColumns.set(row.column1, (byColumn2 = new Map()));
    byColumn2.set(row.column2, list);
  }

  const articlesTable = tables.articles;
  const byJurisdiction = new Map<Jurisdiction, CoverageArticle>();
  for (const meta of articlesTable.articles) {
    const article = readEmbeddedArticle(meta, tables.articleFiles[meta.file], articlesTable.version);
    for (const j of meta.jurisdictions) {
      if (byJurisdiction.has(j)) throw new KnowledgeError(`knowledge table medicare-billing-articles: jurisdiction ${j} has two articles`);
      byJurisdiction.set(j, article);
    }
  }
  const packIndex = PackIndex.fromFiles(tables.packs.map(({ name, pack }) => compilePack(pack, name, (code) => byCode.has(code))));
  const payers = packIndex.current();
  if (!payers.has('medicare')) throw new KnowledgeError('knowledge: the medicare payer pack is missing');

  const packVersions = tables.packs.map(({ pack }) => `${pack.id} ${pack.version}`).join(', ');
  const knowledge: Knowledge = {
    version: `codes ${codes.version}; ptp ${pairs.version}; modifiers ${modifiers.version}; icd10cm ${conventions.version}; medicare-bmm ${medicare.version}; iscd-vfa ${iscd.version}; packs ${packVersions}`,
    codes: {
      version: codes.version,
      title: codes.title,
      datesRecordedFrom: codes.datesRecordedFrom,
      datesRecordedFromSource: codes.datesRecordedFromSource,
      procedureSites: codes.procedureSites,
      procedureSitesSource: codes.procedureSitesSource,
      byCode,
      byService,
    },
    pairs: {
      version: pairs.version,
      title: pairs.title,
      partial: pairs.partial,
      partialNote: pairs.partialNote,
      rows,
      byPair,
      byColumns,
      combinations: pairs.combinations,
    },
    modifiers: {
      version: modifiers.version,
      title: modifiers.title,
      maxPerLine: modifiers.maxPerLine,
      maxPerLineSource: modifiers.maxPerLineSource,
      byCode: indexBy(modifiers.modifiers, (m) => m.modifier, 'modifiers'),
      exclusive: modifiers.exclusive,
      requires: modifiers.requires,
    },
    icd10: {
      version: conventions.version,
      title: conventions.codeSet.title,
      source: conventions.codeSet.source,
      billable,
      headers: headersOf(billable),
      conventions,
      codeSet: {
        info: {
          id: 'embedded:icd10cm-2026-04',
          label: `ICD-10-CM FY2026 (April 1, 2026 update, ${icdCodes.size} valid codes), embedded`,
          effective: { from: conventions.codeSet.effective, to: conventions.codeSet.end },
          source: {
            title: 'CMS ICD-10-CM FY2026 valid-code list, April 1, 2026 update (icd10cm_codes_2026.txt), exact copy (data/cms/README.md)',
            version: 'FY2026 April',
            confidence: 'verified',
          },
        },
        codes: icdCodes,
        allValidFrom: '2026-04-01',
      },
    },
    medicare,
    medicareIndex: indexMedicare(medicare),
    iscd: { version: iscd.version, title: iscd.title, versions: iscd.versions },
    payers,
    packs: packIndex,
    hcpcs: {
      info: {
        id: 'embedded:hcpcs-2026-07',
        label: `HCPCS Level II July 2026 (${hcpcsCodes.size} codes), embedded`,
        effective: { from: '2026-07-01', to: '2026-09-30' },
        source: { title: 'CMS HCPCS Level II alpha-numeric file, July 2026 quarterly (HCPC2026_JUL_ANWEB), code list, exact copy (data/cms/README.md)', version: '2026 July', confidence: 'verified' },
      },
      codes: hcpcsCodes,
    },
    mue: readEmbeddedMue(tables.mueRows, 'cms/mue-2026q4-bone-density.csv'),
    rvuOn: readEmbeddedRvu(tables.rvuRows, 'cms/pprrvu-2024-bone-density.csv'),
    articles: { version: articlesTable.version, title: articlesTable.title, byJurisdiction, withoutArticle: articlesTable.withoutArticle },
    ptp: {},
    providers: {},
    office: NO_OFFICE_SETTINGS,
    versionRecords: [],
    forDate: () => knowledge,
  };
  return knowledge;
}
