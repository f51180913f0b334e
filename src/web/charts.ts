import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { escapeHtml, trusted, type SafeHtml } from './html.js';

/**
 * Charts drawn on the server with Vega-Lite, as SVG in the page: no script in the browser, nothing fetched (the data
 * is inline and the loader refuses every URL). The SVG is one image to assistive technology (role="img", named by its
 * <title> and described by its <desc>); the data table beside it carries the figures.
 */

interface ChartLibraries { vega: typeof Vega; vegaLite: typeof VegaLite; refuseLoading: ReturnType<typeof Vega.loader> }
let libraries: Promise<ChartLibraries> | undefined;

/** Vega and Vega-Lite weigh about 40 MB per process: loaded when the first chart is drawn, not in every process at start. */
function chartLibraries(): Promise<ChartLibraries> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    const refuseLoading = vega.loader();
    refuseLoading.sanitize = async (uri: string) => { throw new Error(`charts load nothing; asked for ${uri}`); };
    return { vega, vegaLite, refuseLoading };
  });
  return libraries;
}

const CONFIG = {
  aria: false,
  font: 'system-ui, sans-serif',
  background: 'white',
  axis: { labelFontSize: 13, titleFontSize: 13, labelColor: '#222', titleColor: '#222' },
  legend: { labelFontSize: 13, titleFontSize: 13, labelLimit: 320, titleLimit: 320, orient: 'bottom', direction: 'vertical' },
  view: { stroke: null },
};

export interface ChartText { id: string; title: string; description: string }

export async function chartSvg(spec: Record<string, unknown>, text: ChartText): Promise<SafeHtml> {
  const { vega, vegaLite, refuseLoading } = await chartLibraries();
  const compiled = vegaLite.compile({ ...spec, config: CONFIG } as VegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: refuseLoading });
  const svg = (await view.toSVG())
    // Vega's own roles would expose every mark; the whole chart is one image here.
    .replace(/ (role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '')
    .replace(/ class="marks" width="\d+(\.\d+)?" height="\d+(\.\d+)?"/, '');
  view.finalize();
  const open = svg.indexOf('>') + 1;
  return trusted(`${svg.slice(0, open - 1)} role="img" aria-labelledby="${text.id}-title ${text.id}-desc" class="chart" focusable="false">`
    + `<title id="${text.id}-title">${escapeHtml(text.title)}</title><desc id="${text.id}-desc">${escapeHtml(text.description)}</desc>${svg.slice(open)}`);
}
