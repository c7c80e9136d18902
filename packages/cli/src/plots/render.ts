import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite specification to an SVG document, headless: Vega's scenegraph is built
 * without a renderer and serialised by its SVG string renderer (no canvas or browser needed).
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Only errors are worth reporting; Vega-Lite's warnings about merged legends are expected here.
  const logger = vega.logger(vega.Error);
  const compiled = vl.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    return renumberClipPaths(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers clip paths with a counter global to the process, so the same figure drawn second
 * would differ in its ids; renumbering them in order of appearance makes every file depend only
 * on its figure (same inputs, same bytes).
 */
function renumberClipPaths(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/\bclip(\d+)\b/g, (_, n: string) => {
    if (!ids.has(n)) ids.set(n, `clip${ids.size + 1}`);
    return ids.get(n) as string;
  });
}
