// Writes a full-size synthetic OIG LEIE database file (UPDATED.csv) in the real layout: every field quoted, header
// LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,
// WAIVERDATE,WVRSTATE; NPI "0000000000" when none, dates YYYYMMDD with "00000000" when not set. Every row is invented
// from a seeded PRNG (no clock, no Math.random): individuals and entities, NPIs with valid Luhn check digits (over
// "80840" + the first nine digits), DOB and addresses synthetic too. Deterministic: same rows and seed, same bytes.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../encounters.js';
import { npiWithCheckDigit } from './order-referring.js';

const SYLLABLES = ['AL', 'BER', 'CAR', 'DEN', 'EL', 'FAR', 'GOR', 'HAL', 'IN', 'JOR', 'KAL', 'LIN', 'MOR', 'NEL', 'OS', 'PER', 'ROS', 'SAN', 'TOR', 'VAN'];
const FIRST = ['ANNA', 'BRIAN', 'CAROL', 'DAVID', 'ELENA', 'FRANK', 'GRACE', 'HENRY', 'IRIS', 'JAMES', 'KAREN', 'LUIS', 'MARIA', 'NOAH'];
const GENERAL = [['INDIVIDUAL', 'NURSING PROFESSION', 'NURSE/NURSES AIDE'], ['IND- LIC HC SERV PRO', 'PHYSICIAN (MD)', ''], ['BUSINESS', 'PHARMACY', ''], ['OTHER BUSINESS', 'HOME HEALTH AGENCY', '']];
const TYPES = ['1128a1', '1128a2', '1128a3', '1128a4', '1128b4', '1128b5', '1128b7', '1128b8'];
const STATES = ['AL', 'CA', 'FL', 'GA', 'KY', 'NY', 'OH', 'TN', 'TX', 'VA'];

/** Writes `rows` synthetic rows to dir/UPDATED.csv; returns { path, rows }. */
export function writeLeie(dir, { rows = 80_000, seed = 1 } = {}) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'UPDATED.csv');
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  const date = (from, years) => {
    const y = from + int(years);
    return `${y}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}`;
  };
  const q = (fields) => `${fields.map((f) => `"${f}"`).join(',')}\r\n`;
  const fd = openSync(path, 'w');
  try {
    let chunk = 'LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\r\n';
    let base = 100_000_000 + int(1_000_000);
    for (let r = 0; r < rows; r++) {
      const [general, specialty] = pick(GENERAL);
      const entity = general.includes('BUSINESS');
      base += 1 + int(1000);
      const npi = rand() < 0.35 ? npiWithCheckDigit(base) : '0000000000';
      const name = pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES);
      const state = pick(STATES);
      const waived = rand() < 0.002;
      chunk += q([
        entity ? '' : name,
        entity ? '' : pick(FIRST),
        entity || rand() < 0.5 ? '' : pick(FIRST).slice(0, 1),
        entity ? `${name} ${pick(['LLC', 'INC', 'PHARMACY INC', 'CARE, INC'])}` : '',
        general,
        specialty,
        '',
        npi,
        entity ? '' : date(1940, 50),
        `${1 + int(9999)} ${pick(SYLLABLES)}${pick(SYLLABLES)} STREET`,
        `${pick(SYLLABLES)}${pick(SYLLABLES)}VILLE`,
        state,
        String(10000 + int(89999)),
        pick(TYPES),
        date(1985, 41),
        '00000000',
        waived ? date(2015, 10) : '00000000',
        waived ? state : '',
      ]);
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
