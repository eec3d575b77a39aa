/**
 * Renders the report's vega-lite specs to SVG headless: vega-lite compiles to a vega spec, a vega
 * `View` with no renderer produces the SVG text (no canvas, no browser).
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './report.js';

/** The SVG document of a vega-lite spec. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // The specs are built by report.ts in vega-lite's JSON shape; vega-lite validates them while compiling.
  const vl = spec as unknown as TopLevelSpec;
  const view = new View(parse(compile(vl).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
