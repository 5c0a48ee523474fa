import { Html, html } from './html';

/**
 * Charts drawn on the server as SVG: no charting library, no script, nothing fetched.
 * They scale with the page (viewBox) and carry a text alternative; a table follows each.
 */

const W = 640;
const H = 260;
const PAD = { left: 64, right: 12, top: 12, bottom: 64 };
const BARS = 36; // height of the count strip under the price plot

/** Compact number for axis labels: 1.2k, 3.4M. */
export function compact(n: number, lang: string): string {
  return new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

/** One point of a price chart: a bucket with its median, quartiles and count. */
export interface BandPoint {
  label: string;
  median: number;
  p25: number;
  p75: number;
  count: number;
}

/** Weekly median as a line, the 25–75% band behind it, and counts as bars underneath. */
export function bandChart(points: BandPoint[], o: { title: string; lang: string; countLabel: string }): Html {
  if (!points.length) return html``;
  const plotH = H - PAD.top - PAD.bottom - BARS;
  const lo = Math.min(...points.map((p) => p.p25));
  const hi = Math.max(...points.map((p) => p.p75));
  const span = hi - lo || Math.abs(hi) || 1;
  const y0 = lo - span * 0.1;
  const y1 = hi + span * 0.1;
  const x = (i: number) =>
    PAD.left +
    (points.length === 1
      ? (W - PAD.left - PAD.right) / 2
      : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + plotH - ((v - y0) / (y1 - y0)) * plotH;
  const f = (n: number) => n.toFixed(1);
  const band =
    points.map((p, i) => `${f(x(i))},${f(y(p.p75))}`).join(' ') +
    ' ' +
    points
      .map((p, i) => `${f(x(i))},${f(y(p.p25))}`)
      .reverse()
      .join(' ');
  const line = points.map((p, i) => `${f(x(i))},${f(y(p.median))}`).join(' ');
  const maxCount = Math.max(...points.map((p) => p.count), 1);
  const barTop = PAD.top + plotH + 8;
  const barW = Math.max(2, Math.min(24, (W - PAD.left - PAD.right) / points.length - 4));
  const every = Math.ceil(points.length / 8);
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${o.title}">
    <title>${o.title}</title>
    ${niceTicks(y0, y1).map(
      (t) =>
        html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(y(t))}" y2="${f(y(t))}" /><text
            class="axis"
            x="${PAD.left - 6}"
            y="${f(y(t) + 4)}"
            text-anchor="end"
            >${compact(t, o.lang)}</text
          >`,
    )}
    <polygon class="band" points="${band}" />
    <polyline class="median" points="${line}" />
    ${points.map(
      (p, i) =>
        html`<circle class="dot" cx="${f(x(i))}" cy="${f(y(p.median))}" r="3"
          ><title>${p.label}: ${p.median} (${p.p25}–${p.p75}), n=${p.count}</title></circle
        >`,
    )}
    ${points.map((p, i) => {
      const h = (p.count / maxCount) * BARS;
      return html`<rect
        class="count"
        x="${f(x(i) - barW / 2)}"
        y="${f(barTop + BARS - h)}"
        width="${f(barW)}"
        height="${f(h)}"
        ><title>${o.countLabel}: ${p.count}</title></rect
      >`;
    })}
    <text class="axis" x="${PAD.left - 6}" y="${barTop + BARS}" text-anchor="end">${o.countLabel}</text>
    ${points.map((p, i) =>
      i % every === 0
        ? html`<text class="axis" x="${f(x(i))}" y="${H - PAD.bottom + BARS + 22}" text-anchor="middle"
            >${p.label}</text
          >`
        : '',
    )}
  </svg>`;
}

/**
 * Horizontal bars with labels and values (poll options, counts by group) as HTML: a
 * `<meter>` per row, so labels keep the page's font size on a phone instead of shrinking
 * with a scaled drawing, and no inline style is needed under the CSP.
 */
export function barChart(rows: { label: string; value: number; note?: string }[], title: string): Html {
  if (!rows.length) return html``;
  const max = Math.max(...rows.map((r) => r.value), 1);
  return html`<table class="bars" aria-label="${title}">
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <th scope="row">${r.label}</th>
            <td class="bar"><meter min="0" max="${max}" value="${r.value}">${r.value}</meter></td>
            <td class="value">${r.value}${r.note ? ` (${r.note})` : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
