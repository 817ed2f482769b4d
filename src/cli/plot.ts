/**
 * `dxacode plot FIGURE` (issue 12 §6, docs/figures.md): one figure of the store as an SVG or PNG file, the same
 * drawing as the workbench's Figures page and GET /v1/figures/:figure. PNG is rasterised from the SVG by resvg with
 * the system's fonts (DejaVu Sans where installed), at twice the SVG's size. Exit 0 written, 2 for an unknown figure,
 * a bad option, an unusable configuration or a store failure.
 */
import { writeFileSync } from 'node:fs';
import { configPath } from '../io/config-file.js';
import { readRegistryConfig } from '../io/registry-config.js';
import { storeOptionsFromEnv } from '../store/index.js';
import { EXIT } from './exit.js';
import type { CliIo } from './shared.js';
import { withStore } from './store-commands.js';

/** Options of `dxacode plot`. */
export interface PlotOptions {
  format?: string;
  output?: string;
  from?: string;
  to?: string;
  organization?: string;
  config?: string;
}

/** The file formats. */
export const PLOT_FORMATS = ['svg', 'png'] as const;
/** PNG pixels per SVG unit: sharp on a high-density screen and in print. */
const PNG_ZOOM = 2;

/** The format asked for, else the output file's extension, else SVG. */
function formatOf(options: PlotOptions): string {
  if (options.format !== undefined) return options.format;
  return options.output?.toLowerCase().endsWith('.png') ? 'png' : 'svg';
}

/** The SVG as PNG bytes (resvg, system fonts). */
async function toPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const rendered = new Resvg(svg, { fitTo: { mode: 'zoom', value: PNG_ZOOM }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render();
  return rendered.asPng();
}

/** Runs `dxacode plot FIGURE [--format svg|png] [--output FILE] [--from D] [--to D] [--organization ID] [--config FILE]`. */
export async function run(io: CliIo, figure: string, options: PlotOptions = {}): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`dxacode: plot: ${message}\n`);
    return EXIT.unusable;
  };
  const { FIGURES, figureOf, figureRangeProblem, isFigureName } = await import('../store/figures.js');
  if (!isFigureName(figure)) return fail(`unknown figure ${JSON.stringify(figure)} (expected one of ${FIGURES.join(', ')})`);
  const format = formatOf(options);
  if (!(PLOT_FORMATS as readonly string[]).includes(format)) return fail(`--format: expected one of ${PLOT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  const range = { ...(options.from !== undefined ? { from: options.from } : {}), ...(options.to !== undefined ? { to: options.to } : {}) };
  const problem = figureRangeProblem(range);
  if (problem !== undefined) return fail(`--${problem.field}: expected ${problem.expected}, got ${JSON.stringify(range[problem.field])}`);
  const toStdout = options.output === undefined || options.output === '-';
  if (format === 'png' && toStdout && io.stdout.isTTY) return fail('a PNG is not written to a terminal: give --output FILE');
  const env = io.env ?? {};
  const registry = readRegistryConfig(configPath(options.config, env), env);
  if (!registry.ok) return fail(registry.messages.join('; '));
  const { loadRemittanceCodes } = await import('../io/remittance-codes-file.js');
  const { renderChartSvg } = await import('../plots/chart-svg.js');
  const output = await withStore(storeOptionsFromEnv(env), 'plot', async (store) => {
    const result = await figureOf(figure, store.forOrganization(options.organization ?? 'default'), { codes: loadRemittanceCodes(), registry: registry.settings }, range);
    return { exitCode: EXIT.ok, stdout: renderChartSvg(result.chart, { idPrefix: `figure-${figure}` }), stderr: '' };
  });
  if (output.exitCode !== EXIT.ok) {
    io.stderr.write(output.stderr);
    return output.exitCode;
  }
  const bytes = format === 'png' ? await toPng(output.stdout) : new TextEncoder().encode(output.stdout);
  if (toStdout) io.stdout.write(bytes);
  else {
    try {
      writeFileSync(options.output!, bytes);
    } catch (error) {
      return fail(`--output: cannot write ${JSON.stringify(options.output)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    io.stderr.write(`dxacode: plot: wrote ${figure} as ${format.toUpperCase()} to ${options.output}\n`);
  }
  io.stderr.write(output.stderr);
  return EXIT.ok;
}
