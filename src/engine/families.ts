/**
 * Running only some rule families: a caller that wants, say, only the pair and unit edits (the CLI's `--only`, the
 * API's `?only=`) names them, and every family left out is reported in `unchecked` as not run, so that a partial
 * check never comes back `clean`.
 */
import { FAMILIES, type Family } from '../rules/catalogue.js';
import type { UncheckedEntry } from '../rules/context.js';

/** The rule families a check runs, and the `unchecked` reason every other family gets. */
export class FamilySelection {
  /** The families to run, in the order the engine runs them. */
  readonly families: readonly Family[];
  /** The reason recorded in `unchecked` for each family that is not run (one shared text for every result). */
  readonly reason: string;
  /**
   * Per family of the catalogue's FAMILIES, in that order: undefined when it is run, else its `unchecked` entry. The
   * entries are made once per selection and frozen, so every result of a restricted batch shares them.
   */
  readonly notRun: readonly (UncheckedEntry | undefined)[];
  private readonly chosen: ReadonlySet<Family>;

  constructor(families: Iterable<Family>) {
    this.chosen = new Set(families);
    this.families = FAMILIES.filter((f) => this.chosen.has(f));
    this.reason = `not run: only ${this.families.join(', ')} ${this.families.length === 1 ? 'was' : 'were'} asked for`;
    this.notRun = FAMILIES.map((family) => (this.chosen.has(family) ? undefined : Object.freeze({ family, reason: this.reason })));
  }

  /** True when the family is to be run. */
  has(family: Family): boolean {
    return this.chosen.has(family);
  }
}

const KNOWN: ReadonlySet<string> = new Set(FAMILIES);

/** True when the text is a rule family's name. */
export function isFamily(name: string): name is Family {
  return KNOWN.has(name);
}

/**
 * Reads a comma-separated list of rule family names (`pairs,units`), or says what is wrong with it. Every name must
 * be a family of the catalogue; at least one is needed.
 */
export function parseFamilyList(text: string): { ok: true; selection: FamilySelection } | { ok: false; message: string } {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return { ok: false, message: `expected one or more rule families separated by commas, from: ${FAMILIES.join(', ')}` };
  const unknown = names.filter((name) => !isFamily(name));
  if (unknown.length > 0) {
    const list = unknown.map((name) => JSON.stringify(name.slice(0, 40))).join(', ');
    return { ok: false, message: `unknown rule famil${unknown.length === 1 ? 'y' : 'ies'} ${list}; the families are ${FAMILIES.join(', ')}` };
  }
  return { ok: true, selection: new FamilySelection(names as Family[]) };
}
