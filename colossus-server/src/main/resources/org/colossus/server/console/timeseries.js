// Line plots of time series on a canvas, with a legend and (as the text alternative) a table of the latest samples
// beside the plot. Small on purpose: axes from zero to the maximum, time along the bottom, one colour per series.

const COLOURS = ['#2457c5', '#c2185b', '#00897b', '#ef6c00', '#6a1b9a', '#558b2f', '#0277bd', '#ad1457',
  '#4e342e', '#00838f', '#9e9d24', '#5d4037'];

function timeLabel(ms) {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}

/**
 * @param title the plot's heading
 * @param times epoch milliseconds, oldest first
 * @param series [[name, values]] of the same length as times
 * @param h the console's element helper
 */
export function plot(h, title, unit, times, series) {
  const width = 560, height = 200, left = 52, bottom = 22, top = 8, right = 8;
  const canvas = h('canvas', { class: 'plot', width, height, role: 'img',
    'aria-label': `${title}: ${series.length} series over ${times.length} samples; the table beside it has the latest values` });
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  let max = 1;
  for (const [, values] of series) for (const v of values) max = Math.max(max, v);
  const x = i => left + (times.length <= 1 ? 0 : (i / (times.length - 1)) * (width - left - right));
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
  if (times.length) {
    g.textAlign = 'left';
    g.fillText(timeLabel(times[0]), left, height - 6);
    g.textAlign = 'right';
    g.fillText(timeLabel(times[times.length - 1]), width - right, height - 6);
  }
  series.forEach(([, values], k) => {
    g.strokeStyle = COLOURS[k % COLOURS.length];
    g.lineWidth = 1.5;
    g.beginPath();
    values.forEach((v, i) => (i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v))));
    if (values.length === 1) g.arc(x(0), y(values[0]), 2, 0, 2 * Math.PI);
    g.stroke();
  });
  canvas.dataset.samples = String(times.length);
  const legend = h('div', { class: 'legend' }, series.map(([name], k) => {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = COLOURS[k % COLOURS.length];
    return h('div', {}, sw, name);
  }));
  const last = Math.max(0, times.length - 5);
  const table = h('table', {},
    h('caption', { class: 'muted' }, `${title}, latest samples (${unit})`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'time'), series.map(([name]) => h('th', { scope: 'col', class: 'num' }, name)))),
    h('tbody', {}, times.slice(last).reverse().map((t, j) => {
      const i = times.length - 1 - j;
      return h('tr', {}, h('td', {}, timeLabel(t)), series.map(([, values]) => h('td', { class: 'num' },
        Number(values[i]).toLocaleString('en'))));
    })));
  return h('figure', { class: 'plot-figure' }, h('figcaption', {}, h('b', {}, title)),
    h('div', { class: 'map-wrap' }, canvas, legend, table));
}
