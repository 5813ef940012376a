// Line plots of time series on a canvas, with a legend and (as the text alternative) a table of the latest samples
// beside the plot. Small on purpose: axes from zero to the maximum, time along the bottom, one colour per series.
// Shared by the console and the simulator's HTML report (which embeds this file as it is: HtmlReport).

const COLOURS = ['#2457c5', '#c2185b', '#00897b', '#ef6c00', '#6a1b9a', '#558b2f', '#0277bd', '#ad1457',
  '#4e342e', '#00838f', '#9e9d24', '#5d4037'];

function isoLabel(ms) {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}

/**
 * @param h the page's element helper: h(tag, attrs, ...children)
 * @param title the plot's heading
 * @param unit what the values count, for the table's caption
 * @param times the x values, ascending (epoch milliseconds in the console)
 * @param series [[name, values]] with values as long as times, or [[name, values, ownTimes]] where series were
 *        sampled at different times (the report's runs end at different times)
 * @param opts {timeLabel(t)}: how an x value is written (default: the UTC date and time of epoch milliseconds)
 */
export function plot(h, title, unit, times, series, opts = {}) {
  const timeLabel = opts.timeLabel || isoLabel;
  const width = 560, height = 200, left = 52, bottom = 22, top = 8, right = 8;
  const canvas = h('canvas', { class: 'plot', width, height, role: 'img',
    'aria-label': `${title}: ${series.length} series over ${times.length} samples; the table beside it has the latest values` });
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  let max = 1;
  for (const [, values] of series) for (const v of values) max = Math.max(max, v);
  let x0 = times.length ? times[0] : 0;
  let x1 = times.length ? times[times.length - 1] : 0;
  for (const [, , own] of series) {
    if (own && own.length) {
      x0 = Math.min(x0, own[0]);
      x1 = Math.max(x1, own[own.length - 1]);
    }
  }
  const xAt = t => left + (x1 === x0 ? 0 : ((t - x0) / (x1 - x0)) * (width - left - right));
  const y = v => height - bottom - (v / max) * (height - bottom - top);
  g.strokeStyle = '#c8ced6';
  g.fillStyle = '#5b6573';
  g.font = '11px system-ui, sans-serif';
  g.beginPath();
  g.moveTo(left, top); g.lineTo(left, height - bottom); g.lineTo(width - right, height - bottom);
  g.stroke();
  g.textAlign = 'right';
  g.fillText(max.toLocaleString('en'), left - 4, top + 8);
  g.fillText('0', left - 4, height - bottom);
  if (times.length || series.some(s => s[2] && s[2].length)) {
    g.textAlign = 'left';
    g.fillText(timeLabel(x0), left, height - 6);
    g.textAlign = 'right';
    g.fillText(timeLabel(x1), width - right, height - 6);
  }
  series.forEach(([, values, own], k) => {
    const ts = own || times;
    g.strokeStyle = COLOURS[k % COLOURS.length];
    g.lineWidth = 1.5;
    g.beginPath();
    values.forEach((v, i) => (i === 0 ? g.moveTo(xAt(ts[i]), y(v)) : g.lineTo(xAt(ts[i]), y(v))));
    if (values.length === 1) g.arc(xAt(ts[0]), y(values[0]), 2, 0, 2 * Math.PI);
    g.stroke();
  });
  const perSeries = series.some(s => s[2]);
  canvas.dataset.samples = String(perSeries ? series.reduce((n, s) => n + s[1].length, 0) : times.length);
  const legend = h('div', { class: 'legend' }, series.map(([name], k) => {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = COLOURS[k % COLOURS.length];
    return h('div', {}, sw, name);
  }));
  const num = v => Number(v).toLocaleString('en', { maximumFractionDigits: 2 });
  const last = Math.max(0, times.length - 5);
  const table = perSeries
    ? h('table', {},
      h('caption', { class: 'muted' }, `${title}, per series (${unit})`),
      h('thead', {}, h('tr', {}, ['series', 'last at', 'last', 'max'].map((c, i) =>
        h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', {}, series.map(([name, values, own]) => h('tr', {}, h('td', {}, name),
        h('td', { class: 'num' }, values.length ? timeLabel((own || times)[values.length - 1]) : ''),
        h('td', { class: 'num' }, values.length ? num(values[values.length - 1]) : ''),
        h('td', { class: 'num' }, values.length ? num(Math.max(...values)) : '')))))
    : h('table', {},
      h('caption', { class: 'muted' }, `${title}, latest samples (${unit})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'time'), series.map(([name]) => h('th', { scope: 'col', class: 'num' }, name)))),
      h('tbody', {}, times.slice(last).reverse().map((t, j) => {
        const i = times.length - 1 - j;
        return h('tr', {}, h('td', {}, timeLabel(t)), series.map(([, values]) => h('td', { class: 'num' },
          num(values[i]))));
      })));
  return h('figure', { class: 'plot-figure' }, h('figcaption', {}, h('b', {}, title)),
    h('div', { class: 'map-wrap' }, canvas, legend, table));
}
