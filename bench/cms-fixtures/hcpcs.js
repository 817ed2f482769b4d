// A full-size synthetic HCPCS Level II alpha-numeric file in CMS's fixed-width layout, for benchmarks of the hcpcs
// importer: modifier records first (three blanks and the modifier in 1-5), then procedure records sorted by code;
// sequence numbers by 100s in 6-10, record identification code in 11 (3/4 procedure, 7/8 modifier), long
// description 12-91 in 80-character lines broken between words, short description 92-119, detail fields to the
// action code in 293 on first lines. Every line is 293 characters, CRLF (the July 2026 file's first lines are 293
// characters; that its continuation lines are too is an assumption). July 2026: 8,725 codes, about 384 modifiers,
// 16,826 lines. Layout sources: see src/knowledge/import/hcpcs.ts. Rows are synthetic (a seeded PRNG), deterministic
// for a seed; no clock, no Math.random.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../encounters.js';

const WORDS = ['dressing', 'supply', 'catheter', 'injection', 'per', 'mg', 'each', 'wheelchair', 'orthosis', 'custom', 'fabricated', 'includes', 'fitting', 'and', 'adjustment', 'with', 'without', 'prosthetic', 'sterile', 'disposable', 'bone', 'density', 'study', 'one', 'or', 'more', 'sites', 'home', 'health', 'services', 'visit', 'medical', 'equipment', 'replacement', 'battery'];
const PREFIX = 'ABCEGHJKLMQSTV';
const ACTIONS = [['N', 90], ['A', 4], ['C', 2], ['D', 2], ['P', 1], ['S', 1]];

function pick(rand, weighted) {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of weighted) if ((x -= w) < 0) return v;
  return weighted[weighted.length - 1][0];
}

/** Splits a description into 80-character lines between words. */
function chunks(text) {
  const out = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 80) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  out.push(line);
  return out;
}

const date = (rand, from, to) => {
  const y = from + Math.floor(rand() * (to - from + 1));
  const m = 1 + 3 * Math.floor(rand() * 4);
  return `${y}${String(m).padStart(2, '0')}01`;
};

/** The lines of one code (or modifier, when `modifier`), as the file writes them. */
export function hcpcsRecordLines({ code, modifier = false, long, short, pricing = '00', multiple = '9', coverage = 'C', betos = '', tos = '', added = '', effective = '', terminated = '', action = 'N' }) {
  const key = modifier ? `   ${code}` : code;
  const [firstRic, nextRic] = modifier ? ['7', '8'] : ['3', '4'];
  return chunks(long).map((text, i) => {
    const head = `${key.padEnd(5)}${String((i + 1) * 100).padStart(5, '0')}${i === 0 ? firstRic : nextRic}${text.padEnd(80)}`;
    if (i > 0) return head.padEnd(293);
    const detail =
      short.slice(0, 28).padEnd(28) + pricing.padEnd(8) + multiple + ' '.repeat(101) + coverage + ' '.repeat(26) + betos.padEnd(3) + ' ' + tos.padEnd(5) + '   ' +
      added.padEnd(8) + effective.padEnd(8) + terminated.padEnd(8) + action;
    const line = head + detail;
    if (line.length !== 293) throw new Error(`HCPCS record of ${line.length} characters for ${code}`);
    return line;
  });
}

/**
 * Writes a full-size HCPCS file into `dir` (HCPC2026_JUL_ANWEB_06172026.txt unless `name` is given) with `codes`
 * procedure codes and `modifiers` modifiers. Returns { path, rows } (rows: procedure codes) and `lines`.
 */
export function writeHcpcs(dir, { codes = 8725, seed = 1, modifiers = 384, name = 'HCPC2026_JUL_ANWEB_06172026.txt' } = {}) {
  const rand = prng(seed);
  const out = [];
  const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const length = () => 3 + Math.floor(rand() * rand() * 40);
  const modifierCodes = [];
  for (let i = 0; modifierCodes.length < modifiers; i++) {
    const c = `${String.fromCharCode(65 + Math.floor(i / 36))}${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 36]}`;
    if (rand() < 0.5 || i > 36 * 26) modifierCodes.push(c);
    if (i > 36 * 26 * 2) throw new RangeError('writeHcpcs: too many modifiers');
  }
  for (const code of modifierCodes) {
    const long = words(length());
    out.push(...hcpcsRecordLines({ code, modifier: true, long, short: long, added: date(rand, 1984, 2025), effective: date(rand, 1995, 2026) }));
  }
  const perPrefix = Math.ceil(codes / PREFIX.length);
  if (perPrefix > 9999) throw new RangeError('writeHcpcs: more codes than the synthetic code space holds');
  const step = Math.floor(9999 / perPrefix);
  for (let k = 0; k < codes; k++) {
    const p = PREFIX[Math.floor(k / perPrefix)];
    const code = p + String((k % perPrefix) * step + Math.floor(rand() * step)).padStart(4, '0');
    const long = words(length());
    const action = pick(rand, ACTIONS);
    out.push(
      ...hcpcsRecordLines({
        code, long, short: long, pricing: pick(rand, [['00', 3], ['11', 2], ['51', 2], ['46', 1]]), multiple: 'A', coverage: pick(rand, [['C', 6], ['D', 2], ['I', 1], ['M', 1]]),
        betos: 'O1E', tos: '1', added: date(rand, 1984, 2026), effective: date(rand, 2000, 2026), terminated: action === 'D' ? '20260630' : '', action,
      }),
    );
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `${out.join('\r\n')}\r\n`, 'latin1');
  return { path, rows: codes, lines: out.length };
}
