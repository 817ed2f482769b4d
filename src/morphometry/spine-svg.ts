/**
 * The spine picture (issue 13 §2): T4-L4 as an SVG, one vertebra per level drawn from its own heights (anterior on
 * the left, posterior on the right, so a wedge looks like one), with what each level is in words beside it.
 *
 * Nothing depends on colour: grades are greys of rising darkness and also written out ("2 moderate wedge"); a level
 * not evaluable is a dashed, hatched outline with its reason; a fracture new since the prior study has a thick
 * outline and the word "new". Screen readers get role="img", a title, a description that lists every level, and a
 * title per level; the table alternative (spineTable) carries the same words. All text is escaped.
 */
import { GENANT_GRADE_WORDS, VERTEBRAL_LEVELS } from '../contract/values.js';
import { escapeXml } from '../plots/chart-svg.js';

/**
 * What the picture needs of a graded level (the contract's GradedLevel fits it). This module imports nothing else
 * but import-free modules, so the workbench page compiles it too (tsconfig.web.json) and draws the same picture as the CLI.
 */
export interface SpineLevel {
  level: string;
  evaluable: boolean;
  reason?: string | undefined;
  grade?: number | undefined;
  type?: string | undefined;
  sincePrior?: 'new' | 'worse' | undefined;
}

/** Fill per grade, light to dark: distinguishable in greyscale and printed. */
const GRADE_FILL = ['#ffffff', '#d0d0d0', '#8c8c8c', '#404040'] as const;
const ROW = 34;
const TOP = 44;
const BODY_LEFT = 64;
const BODY_WIDTH = 60;
/** Drawing scale, px per mm of height; heights are scaled to the tallest given so the column fits its rows. */
const MAX_BODY_PX = ROW - 6;

/** One row of the picture and of its table alternative. */
export interface SpineRow {
  level: string;
  /** What the level is, in words: "not evaluated", "not evaluable: reason", "normal", "grade 2 moderate wedge fracture". */
  status: string;
  grade: number | null;
  newSincePrior: boolean;
}

/** The rows for T4-L4, levels not given reading "not evaluated". */
export function spineTable(levels: readonly SpineLevel[]): SpineRow[] {
  const byLevel = new Map(levels.map((l) => [l.level, l]));
  return VERTEBRAL_LEVELS.map((level) => {
    const l = byLevel.get(level);
    if (!l) return { level, status: 'not evaluated', grade: null, newSincePrior: false };
    if (!l.evaluable) return { level, status: `not evaluable: ${l.reason ?? 'no reason given'}`, grade: null, newSincePrior: false };
    const grade = l.grade ?? 0;
    const status = grade === 0 ? 'normal' : `grade ${grade} ${GENANT_GRADE_WORDS[grade as 0 | 1 | 2 | 3]} ${l.type ?? ''} fracture`.replace('  ', ' ');
    return { level, status: l.sincePrior === 'new' ? `${status}, new since the prior study` : l.sincePrior === 'worse' ? `${status}, worse than at the prior study` : status, grade, newSincePrior: l.sincePrior === 'new' };
  });
}

/** Escapes text for SVG/XML content and attribute values (shared with the figures' renderer). */
export { escapeXml };

/** The SVG text of the spine picture. `title` names the study (no patient name: ids only). */
export function renderSpineSvg(
  levels: readonly SpineLevel[],
  heights: readonly { level: string; anteriorMm?: number; middleMm?: number; posteriorMm?: number }[],
  options: { title?: string; idPrefix?: string } = {},
): string {
  const title = options.title ?? 'Vertebral fracture assessment, T4 to L4';
  const id = options.idPrefix ?? 'spine';
  const rows = spineTable(levels);
  const byLevel = new Map(heights.map((h) => [h.level, h]));
  const tallest = Math.max(1, ...heights.flatMap((h) => [h.anteriorMm ?? 0, h.middleMm ?? 0, h.posteriorMm ?? 0]));
  const scale = MAX_BODY_PX / tallest;
  const width = 640;
  const height = TOP + rows.length * ROW + 16;
  const description = rows.map((r) => `${r.level}: ${r.status}`).join('; ');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`,
    `<defs><pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1"/></pattern></defs>`,
    `<text x="${BODY_LEFT - 4}" y="20" text-anchor="end" font-weight="bold">level</text>`,
    `<text x="${BODY_LEFT}" y="36" font-size="10">ant.</text><text x="${BODY_LEFT + BODY_WIDTH}" y="36" font-size="10" text-anchor="end">post.</text>`,
    `<text x="${BODY_LEFT + BODY_WIDTH + 16}" y="20" font-weight="bold">reading</text>`,
  ];
  rows.forEach((row, index) => {
    const y = TOP + index * ROW;
    const mid = y + ROW / 2;
    const h = byLevel.get(row.level);
    out.push(`<g><title>${escapeXml(`${row.level}: ${row.status}`)}</title>`);
    out.push(`<text x="${BODY_LEFT - 8}" y="${mid + 4}" text-anchor="end" font-weight="bold">${row.level}</text>`);
    const measured = h?.anteriorMm !== undefined && h.middleMm !== undefined && h.posteriorMm !== undefined ? [h.anteriorMm, h.middleMm, h.posteriorMm] : undefined;
    const stroke = `stroke="#000" stroke-width="${row.newSincePrior ? 3 : 1}"`;
    if (row.grade === null) {
      // Not evaluated or not evaluable: an outline of a normal body, dashed; hatched when not evaluable.
      const fill = row.status.startsWith('not evaluable') ? `url(#${id}-hatch)` : 'none';
      out.push(`<rect x="${BODY_LEFT}" y="${y + 3}" width="${BODY_WIDTH}" height="${ROW - 6}" fill="${fill}" stroke="#000" stroke-dasharray="4 3"/>`);
    } else if (!measured) {
      // Graded as read, without heights: a plain body in the grade's grey.
      out.push(`<rect x="${BODY_LEFT}" y="${y + 3}" width="${BODY_WIDTH}" height="${ROW - 6}" fill="${GRADE_FILL[row.grade] ?? GRADE_FILL[0]}" ${stroke}/>`);
    } else {
      // The body from its heights, centred on the row: anterior edge left, middle at the centre, posterior right.
      const [a, m, p] = measured.map((mm) => mm * scale) as [number, number, number];
      const x0 = BODY_LEFT;
      const x1 = BODY_LEFT + BODY_WIDTH / 2;
      const x2 = BODY_LEFT + BODY_WIDTH;
      const points = [[x0, mid - a / 2], [x1, mid - m / 2], [x2, mid - p / 2], [x2, mid + p / 2], [x1, mid + m / 2], [x0, mid + a / 2]].map(([x, yy]) => `${x!.toFixed(1)},${yy!.toFixed(1)}`).join(' ');
      out.push(`<polygon points="${points}" fill="${GRADE_FILL[row.grade] ?? GRADE_FILL[0]}" ${stroke}/>`);
    }
    if (row.grade !== null && row.grade > 0) out.push(`<text x="${BODY_LEFT + BODY_WIDTH / 2}" y="${mid + 4}" text-anchor="middle" font-weight="bold" fill="${row.grade >= 2 ? '#fff' : '#000'}">${row.grade}</text>`);
    out.push(`<text x="${BODY_LEFT + BODY_WIDTH + 16}" y="${mid + 4}"${row.newSincePrior ? ' font-weight="bold"' : ''}>${escapeXml(row.status.length > 80 ? `${row.status.slice(0, 77)}...` : row.status)}</text>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
