/**
 * The drafted report as a printable HTML document (`dxacode report --format html`): the report text, and for a VFA the
 * spine picture with its table alternative (issue 13 §2: the picture in the exported report). Well-formed XHTML-style
 * markup, every text escaped, nothing loaded from elsewhere (styles inline), so it can be archived or printed as is.
 */
import { escapeXml, renderSpineSvg, spineTable } from '../morphometry/spine-svg.js';
import type { ReportDraft } from './draft.js';
import type { ReportDraftInput } from './input.js';

const STYLE = [
  'body { font-family: sans-serif; margin: 2em; color: #000; background: #fff; }',
  'pre.report { font-family: serif; font-size: 12pt; white-space: pre-wrap; }',
  'figure { margin: 1em 0; }',
  'table { border-collapse: collapse; font-size: 10pt; }',
  'th, td { border: 1px solid #000; padding: 2px 6px; text-align: left; }',
  '@media print { body { margin: 0; } figure { break-inside: avoid; } }',
].join('\n');

/** The HTML document of a draft. */
export function reportHtml(input: ReportDraftInput, draft: ReportDraft): string {
  const title = `DXA/VFA report, ${input.dateOfService}`;
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"/><title>${escapeXml(title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<pre class="report">${escapeXml(draft.text)}</pre>`,
  ];
  if (draft.vfaLevels && draft.vfaLevels.length > 0) {
    const rows = spineTable(draft.vfaLevels).map((r) => `<tr><th scope="row">${r.level}</th><td>${r.grade === null ? '-' : r.grade}</td><td>${escapeXml(r.status)}</td></tr>`);
    parts.push(
      '<figure>',
      renderSpineSvg(draft.vfaLevels, input.vfa?.morphometry ?? [], { title: `Vertebral fracture assessment of ${input.dateOfService}, T4 to L4` }).trimEnd(),
      '<figcaption>Vertebral levels T4-L4: Genant grade (0 normal, 1 mild, 2 moderate, 3 severe) and type; hatched: not evaluable.</figcaption>',
      '</figure>',
      `<table><caption>Vertebral levels</caption><thead><tr><th scope="col">Level</th><th scope="col">Grade</th><th scope="col">Reading</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
