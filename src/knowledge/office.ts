/**
 * The office's own settings that the checks read beside the reference data: its Medicare contractor jurisdiction,
 * its billing NPI and which provider lists it requires. They come from the office's configuration file (an edge,
 * src/io/office-config.ts); here they are attached to a Knowledge so that every date's knowledge carries them.
 */
import type { Jurisdiction } from '../contract/values.js';
import type { Knowledge } from './compile.js';

/** The provider lists an office can import and then require (`dxacode knowledge import order-referring|leie`). */
export const PROVIDER_LISTS = ['order-referring', 'leie'] as const;
/** One provider list. */
export type ProviderList = (typeof PROVIDER_LISTS)[number];

/** The office's settings as the engine reads them. */
export interface OfficeSettings {
  /** Default MAC jurisdiction for encounters that name none. */
  jurisdiction?: Jurisdiction | undefined;
  /** Default billing NPI for encounters that give no billingProvider.npi. */
  billingNpi?: string | undefined;
  /** Lists whose absence makes a check incomplete (review) rather than merely not run. */
  require: ProviderList[];
}

/** The settings of an office that configured nothing. */
export const NO_OFFICE_SETTINGS: OfficeSettings = { require: [] };

/**
 * The knowledge with the office's settings: the returned object and every Knowledge its `forDate` gives carry them
 * (each date's knowledge is wrapped once and kept, so repeated dates cost a map look-up, as in withVersions).
 */
export function withOfficeSettings(knowledge: Knowledge, office: OfficeSettings): Knowledge {
  const wrapped = new WeakMap<Knowledge, Knowledge>();
  const wrap = (k: Knowledge): Knowledge => {
    let w = wrapped.get(k);
    if (!w) {
      w = { ...k, office, forDate: (date: string) => wrap(k.forDate(date)) };
      wrapped.set(k, w);
    }
    return w;
  };
  return wrap(knowledge);
}
