/** The National Provider Identifier as the contract and the rules read it: 10 digits whose last is a check digit. */

/**
 * NPI check digit: Luhn over the prefix 80840 and the first nine digits (CMS NPI standard; not in REFERENCE §9).
 * It catches mistyped NPIs before a clearinghouse does.
 */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  // The prefix 80840 contributes a constant 24 to the Luhn sum (it is checked for millions of rows on import).
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let d = npi.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === npi.charCodeAt(9) - 48;
}
