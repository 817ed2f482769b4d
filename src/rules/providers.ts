/**
 * Who may order and bill: every NPI given has a valid check digit; with the CMS Order and Referring file (PECOS) in
 * force on the date of service, a Medicare bone-density service is ordered by a practitioner eligible to order Part B
 * services; with the OIG exclusion list (LEIE) in force, neither the ordering nor the billing NPI is excluded on
 * the date of service, for any payer. A list that is not loaded is recorded in `checked` as not run, unless the
 * office requires it (then it is unchecked and the verdict is review).
 *
 * Sources: the NPI check digit is the CMS NPI standard (Luhn over 80840 and the first nine digits); that ordering
 * practitioners must be enrolled as eligible to order (42 CFR 424.507) and that no Federal health care program pays
 * for services furnished, ordered or prescribed by an excluded party (42 CFR 1001.1901) are not in REFERENCE: the
 * findings cite the imported list itself.
 */
import { isValidNpi } from '../contract/npi.js';
import type { Source } from '../contract/result.js';
import type { LeieExclusion } from '../knowledge/versions.js';
import type { ProviderList } from '../knowledge/office.js';
import { Report, type RuleContext } from './context.js';

const NPI_SOURCE: Source = {
  title: 'CMS NPI standard: the tenth digit is a Luhn check digit computed over the prefix 80840 and the first nine digits (not in REFERENCE)',
  confidence: 'secondary',
};

/** How users name each list and import it, for `checked` and `unchecked`. */
const LISTS: Record<ProviderList, { title: string; checks: string }> = {
  'order-referring': { title: 'CMS Order and Referring file (PECOS)', checks: 'the ordering NPI was not checked against PECOS' },
  leie: { title: 'OIG exclusion list (LEIE)', checks: 'the ordering and billing NPIs were not checked against the exclusion list' },
};

/** True when an exclusion is in force on the date: excluded on or before it and not reinstated by then. */
export function isExclusionInForce(exclusion: LeieExclusion, date: string): boolean {
  return exclusion.exclusionDate <= date && (exclusion.reinstatementDate === null || exclusion.reinstatementDate > date);
}

/** The NPIs of the encounter with the roles they play, each NPI once. */
function npisOf(ctx: RuleContext): { npi: string; roles: string[] }[] {
  const out: { npi: string; roles: string[] }[] = [];
  for (const [role, npi] of [['ordering', ctx.input.orderingNpi], ['billing', ctx.input.billingNpi]] as const) {
    if (npi === undefined) continue;
    const seen = out.find((o) => o.npi === npi);
    if (seen) seen.roles.push(role);
    else out.push({ npi, roles: [role] });
  }
  return out;
}

/** Where the encounter gives an NPI of these roles; none when only the office's default billing NPI has them. */
function npiPath(ctx: RuleContext, roles: readonly string[]): string | undefined {
  if (roles.includes('ordering')) return 'orderingProvider.npi';
  return ctx.encounter.billingProvider?.npi !== undefined ? 'billingProvider.npi' : undefined;
}

/** The provider rule family. */
export function checkProviders(ctx: RuleContext, report: Report): void {
  const { input, knowledge } = ctx;
  const npis = npisOf(ctx);
  for (const { npi, roles } of npis) {
    if (isValidNpi(npi)) continue;
    report.add('provider.npi-check-digit', {
      message: `The ${roles.join(' and ')} NPI ${npi} fails the NPI check digit (Luhn over 80840 and its first nine digits): it is mistyped or not an NPI, and the claim will be rejected.`,
      fix: `Correct the ${roles.join(' and ')} NPI from NPPES.`,
      source: NPI_SOURCE,
      path: npiPath(ctx, roles),
      params: { npi, roles },
    });
  }

  const parts = ['NPI check digit'];
  const notLoaded = (list: ProviderList) => {
    const { title, checks } = LISTS[list];
    const why = `${list} not loaded for ${input.dateOfService}: ${checks}`;
    if (knowledge.office.require.includes(list)) {
      report.skipped('providers', `the office requires the ${title}, but none is loaded in force on ${input.dateOfService}: ${checks} (dxacode knowledge import ${list} FILE)`);
    }
    parts.push(`${why} (dxacode knowledge import ${list} FILE)`);
  };

  const { orderReferring, leie } = knowledge.providers;
  if (orderReferring) {
    parts.push(orderReferring.info.label);
    const needsOrder = ctx.pack?.program === 'medicare' && ctx.lines.some((l) => knowledge.codes.byCode.has(l.code));
    const npi = input.orderingNpi;
    if (needsOrder && npi === undefined) {
      report.add('provider.orderer-npi-missing', {
        message: `The encounter gives no ordering NPI, so whether the practitioner who ordered the study may order Part B services was not checked against the ${orderReferring.info.label}.`,
        fix: "Give the ordering provider's NPI (837P 2310A / 2420E).",
        source: orderReferring.info.source,
      });
    } else if (needsOrder && npi !== undefined && isValidNpi(npi)) {
      const entry = orderReferring.get(npi);
      if (!entry || !entry.partB) {
        const name = entry ? ` (${[entry.lastName, entry.firstName].filter((p) => p !== '').join(', ')})` : '';
        report.add('provider.orderer-not-eligible', {
          message: entry
            ? `The ordering NPI ${npi}${name} is on the ${orderReferring.info.label}, but not eligible to order Part B services (PARTB N): Medicare denies the study ordered by them.`
            : `The ordering NPI ${npi} is not on the ${orderReferring.info.label}: the practitioner is not enrolled in Medicare as eligible to order, and Medicare denies the study ordered by them.`,
          fix: 'Confirm the ordering practitioner and their NPI; an eligible practitioner must order the study (the practitioner enrols in PECOS to order).',
          source: orderReferring.info.source,
          path: 'orderingProvider.npi',
          params: { npi, onFile: entry !== undefined },
        });
      }
    }
  } else notLoaded('order-referring');

  if (leie) {
    parts.push(leie.withoutNpi > 0 ? `${leie.info.label} (${leie.withoutNpi} of ${leie.rows} rows without an NPI cannot be matched by NPI)` : leie.info.label);
    for (const { npi, roles } of npis) {
      for (const exclusion of leie.get(npi)) {
        if (!isExclusionInForce(exclusion, input.dateOfService)) continue;
        const waiver =
          exclusion.waiverDate !== null
            ? ` OIG lists a waiver from ${exclusion.waiverDate}${exclusion.waiverState !== '' ? ` for ${exclusion.waiverState}` : ''}: a waiver applies only as OIG granted it (to the program that asked for it); it does not lift the exclusion for the billing office in general.`
            : '';
        report.add('provider.excluded', {
          message: `The ${roles.join(' and ')} NPI ${npi} (${exclusion.name}${exclusion.specialty !== '' ? `; ${exclusion.specialty}` : ''}) is excluded by OIG under ${exclusion.exclusionType} from ${exclusion.exclusionDate}${exclusion.reinstatementDate !== null ? ` until reinstatement on ${exclusion.reinstatementDate}` : ', not reinstated'}: no Federal health care program pays for a service involving them on ${input.dateOfService}.${waiver}`,
          fix: 'Do not bill the service; refer to compliance.',
          source: leie.info.source,
          path: npiPath(ctx, roles),
          params: { npi, roles, exclusionType: exclusion.exclusionType, exclusionDate: exclusion.exclusionDate, reinstatementDate: exclusion.reinstatementDate },
        });
        break;
      }
    }
  } else notLoaded('leie');

  report.ran('providers', parts.join('; '));
}
