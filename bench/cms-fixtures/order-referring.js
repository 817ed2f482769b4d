// Writes a full-size synthetic CMS Order and Referring file (PECOS) in the real layout: header
// NPI,LAST_NAME,FIRST_NAME,PARTB,DME,HHA,PMD,HOSPICE, then one row per NPI with Y/N flags. Every row is invented
// from a seeded PRNG (no clock, no Math.random): NPIs carry valid Luhn check digits (over "80840" + the first nine
// digits), names are drawn from short syllable lists, and some last names hold a comma and are quoted as CMS
// quotes them ("SMITH, JR"). Deterministic: the same rows and seed write the same bytes.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../encounters.js';

const SYLLABLES = ['AL', 'BER', 'CAR', 'DEN', 'EL', 'FAR', 'GOR', 'HAL', 'IN', 'JOR', 'KAL', 'LIN', 'MOR', 'NEL', 'OS', 'PER', 'QUIN', 'ROS', 'SAN', 'TOR', 'UL', 'VAN', 'WEL', 'YOR', 'ZEN'];
const FIRST = ['ANNA', 'BRIAN', 'CAROL', 'DAVID', 'ELENA', 'FRANK', 'GRACE', 'HENRY', 'IRIS', 'JAMES', 'KAREN', 'LUIS', 'MARIA', 'NOAH', 'OLIVIA', 'PAUL', 'RUTH', 'SAMUEL', 'TERESA', 'VICTOR'];

/** The 10-digit NPI whose first nine digits are `base` (100000000-299999999), with its Luhn check digit. */
export function npiWithCheckDigit(base) {
  const s = String(base);
  let sum = 24; // the prefix 80840
  for (let i = 0; i < 9; i++) {
    let d = s.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return s + String((10 - (sum % 10)) % 10);
}

/** Writes `rows` synthetic rows to dir/ORDER_AND_REFERRING_20260928.csv; returns { path, rows }. */
export function writeOrderReferring(dir, { rows = 2_000_000, seed = 1 } = {}) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'ORDER_AND_REFERRING_20260928.csv');
  const rand = prng(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const fd = openSync(path, 'w');
  try {
    let chunk = 'NPI,LAST_NAME,FIRST_NAME,PARTB,DME,HHA,PMD,HOSPICE\r\n';
    // NPIs ascend from a seeded start with seeded gaps, so they are unique.
    let base = 100_000_000 + Math.floor(rand() * 1_000_000);
    for (let r = 0; r < rows; r++) {
      base += 1 + Math.floor(rand() * 40);
      const npi = npiWithCheckDigit(base);
      let last = pick(SYLLABLES) + pick(SYLLABLES) + (rand() < 0.5 ? pick(SYLLABLES) : '');
      if (rand() < 0.01) last = `"${last}, JR"`;
      const first = rand() < 0.02 ? '' : pick(FIRST);
      const yn = (p) => (rand() < p ? 'Y' : 'N');
      chunk += `${npi},${last},${first},${yn(0.97)},${yn(0.9)},${yn(0.85)},${yn(0.8)},${yn(0.6)}\r\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return { path, rows };
}
