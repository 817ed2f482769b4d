// Writes a full-size synthetic ICD-10-CM code descriptions file and order file of one release in CMS's fixed-width
// layouts: icd10cm_codes_<FY>.txt (valid codes only: code without the dot padded to 7 columns, a blank, the long
// description) and icd10cm_order_<FY>.txt (order number zero-filled in 1-5, blank, code padded in 7-13, blank,
// 0 header / 1 valid in 15, blank, short description padded to 60 columns in 17-76, blank, long description from 78).
// Every code is invented from a seeded PRNG (no clock, no Math.random), but well formed and ordered as CMS orders
// them: categories (a letter, two digits) as headers, subcategories down to 6 characters, some families with a 7th
// character after the placeholder X (A/D/G/S or A/D/S). Deterministic: the same options write the same bytes.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../encounters.js';

const WORDS = ['disorder', 'fracture', 'lesion', 'syndrome', 'infection', 'deformity', 'disease', 'injury', 'stenosis', 'atrophy', 'dysplasia', 'neoplasm'];
const SITES = ['shoulder', 'upper arm', 'forearm', 'hand', 'thigh', 'lower leg', 'ankle and foot', 'vertebra', 'pelvis', 'other site'];
const SIDES = ['right', 'left', 'unspecified'];
const SEVENTH = [
  ['A', 'initial encounter', 'init'],
  ['D', 'subsequent encounter', 'subs'],
  ['G', 'subsequent encounter with delayed healing', '7thG'],
  ['S', 'sequela', 'sequela'],
];
const CHARS = '0123456789';

/**
 * Writes dir/icd10cm_codes_<fy>.txt and dir/icd10cm_order_<fy>.txt with `codes` valid codes (about 1.32 order rows
 * per valid code, as in the real files: ~74,000 valid, ~98,000 rows). Returns { codesPath, orderPath, codes,
 * orderRows, headers }.
 */
export function writeIcd10cm(dir, { codes = 74_000, seed = 1, fy = 2026 } = {}) {
  mkdirSync(dir, { recursive: true });
  const codesPath = join(dir, `icd10cm_codes_${fy}.txt`);
  const orderPath = join(dir, `icd10cm_order_${fy}.txt`);
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  /** A sorted subset of `count` distinct characters of CHARS. */
  const subset = (count) => {
    const chosen = [];
    for (let i = 0; i < CHARS.length && chosen.length < count; i++) {
      if (rand() < (count - chosen.length) / (CHARS.length - i)) chosen.push(CHARS[i]);
    }
    return chosen;
  };
  const codesFd = openSync(codesPath, 'w');
  const orderFd = openSync(orderPath, 'w');
  let valid = 0;
  let orderRows = 0;
  let headers = 0;
  let codesChunk = '';
  let orderChunk = '';
  const flush = (force) => {
    if (force || orderChunk.length > 1 << 20) {
      writeSync(orderFd, orderChunk);
      writeSync(codesFd, codesChunk);
      orderChunk = '';
      codesChunk = '';
    }
  };
  const emit = (code, billable, long) => {
    orderRows++;
    const short = long.length <= 60 ? long : `${long.slice(0, 56).trimEnd()} etc`;
    orderChunk += `${String(orderRows).padStart(5, '0')} ${code.padEnd(7)} ${billable ? 1 : 0} ${short.padEnd(60)} ${long}\n`;
    if (billable) {
      valid++;
      codesChunk += `${code.padEnd(7)} ${long}\n`;
    } else {
      headers++;
    }
    flush(false);
  };
  try {
    // Categories A00 ... Z99 in order; each is a header with subcategories until the valid count is reached.
    outer: for (let letter = 0; letter < 26; letter++) {
      for (let n = 0; n < 100; n++) {
        if (valid >= codes) break outer;
        const category = `${String.fromCharCode(65 + letter)}${String(n).padStart(2, '0')}`;
        const title = `${pick(WORDS)} of ${pick(SITES)}`.replace(/^./, (c) => c.toUpperCase());
        if (rand() < 0.04) {
          emit(category, true, title);
          continue;
        }
        emit(category, false, title);
        const seventh = rand() < 0.12 ? (rand() < 0.5 ? SEVENTH : [SEVENTH[0], SEVENTH[1], SEVENTH[3]]) : null;
        for (const c4 of subset(3 + int(8))) {
          if (valid >= codes) break;
          const sub = `${category}${c4}`;
          const subTitle = `${title}, type ${c4}`;
          const leafFamily = seventh ? rand() < 0.5 : rand() < 0.6;
          if (!leafFamily) {
            if (seventh) {
              // A 4-character stem under a 7th-character category: two placeholder Xs, then the 7th character.
              emit(sub, false, subTitle);
              for (const [ch, text] of seventh) emit(`${sub}XX${ch}`, true, `${subTitle}, ${text}`);
            } else {
              emit(sub, true, subTitle);
            }
            continue;
          }
          emit(sub, false, subTitle);
          for (const c5 of subset(3 + int(7))) {
            if (valid >= codes) break;
            const five = `${sub}${c5}`;
            const fiveTitle = `${subTitle}, ${pick(SITES)}`;
            if (seventh) {
              emit(five, false, fiveTitle);
              for (const [ch, text] of seventh) emit(`${five}X${ch}`, true, `${fiveTitle}, ${text}`);
            } else if (rand() < 0.7) {
              emit(five, true, fiveTitle);
            } else {
              emit(five, false, fiveTitle);
              for (const [i, side] of SIDES.entries()) emit(`${five}${i === 2 ? 9 : i + 1}`, true, `${fiveTitle}, ${side}`);
            }
          }
        }
      }
    }
    flush(true);
  } finally {
    closeSync(codesFd);
    closeSync(orderFd);
  }
  return { codesPath, orderPath, codes: valid, orderRows, headers };
}
