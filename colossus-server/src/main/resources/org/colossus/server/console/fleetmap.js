// The fleet map: every node of the fleet on one canvas, grouped pod -> rack -> NVLink domain. One cell per node,
// drawn with fillRect (27,648 cells for colossus2): no DOM element per node. A hit grid maps a pointer position to
// its node in constant time for the tooltip and clicks.

const STATE_COLOURS = { f: '#dfe4ea', p: '#8fc46a', F: '#2f7d32', d: '#d2453d', r: '#f0a433' };
const STATE_NAMES = { f: 'free', p: 'partial', F: 'full', d: 'down', r: 'drained' };
const TENANT_COLOURS = ['#2457c5', '#c2185b', '#00897b', '#ef6c00', '#6a1b9a', '#558b2f', '#0277bd', '#ad1457',
  '#4e342e', '#00838f', '#9e9d24', '#5d4037'];
const CELL = 3;      // pixels per node, gap included
const RACK_GAP = 1;  // extra pixels between racks
const POD_GAP = 8;   // extra pixels between pods

export function stateName(c) { return STATE_NAMES[c] || c; }

export function nodePath(map, n) {
  // The same path the API and the fleet module give: pod-P/rack-R/node-NN (node within its rack, two digits).
  let lo = 0, hi = map.racks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map.racks[mid][1] <= n) lo = mid; else hi = mid - 1;
  }
  const r = map.racks[lo];
  return `pod-${r[0]}/rack-${lo}/node-${String(n - r[1]).padStart(2, '0')}`;
}

export function colourOf(map, n, by) {
  if (by === 'tenant') {
    const h = map.holder[n];
    if (h === 0) return map.states[n] === 'd' ? STATE_COLOURS.d : STATE_COLOURS.f;
    const name = map.holders[h - 1];
    if (name === 'occupied') return '#8a939e';
    return TENANT_COLOURS[(h - 1) % TENANT_COLOURS.length];
  }
  return STATE_COLOURS[map.states[n]];
}

/** Lays the racks out in bands, one band of rows per pod, wrapping at maxWidth. */
function layout(map, maxWidth) {
  const pos = new Int32Array(map.nodes * 2);
  const racksInPod = new Map();
  for (const r of map.racks) racksInPod.set(r[0], (racksInPod.get(r[0]) || 0) + 1);
  let x = 0, y = 0, bandHeight = 0, width = 0, lastPod = -1;
  for (let i = 0; i < map.racks.length; i++) {
    const [pod, first, count, perDomain] = map.racks[i];
    const domains = Math.max(1, Math.ceil(count / Math.max(1, perDomain)));
    const rackHeight = count * CELL + (domains - 1);
    if (pod !== lastPod && lastPod !== -1) {
      // A new pod: beside the last one if it fits whole, else on a band of its own.
      const podWidth = racksInPod.get(pod) * (CELL + RACK_GAP);
      if (x + POD_GAP + podWidth <= maxWidth) {
        x += POD_GAP;
      } else {
        x = 0; y += bandHeight + POD_GAP; bandHeight = 0;
      }
    }
    if (x + CELL > maxWidth && x > 0) {
      x = 0; y += bandHeight + RACK_GAP + 1; bandHeight = 0;
    }
    lastPod = pod;
    for (let k = 0; k < count; k++) {
      const n = first + k;
      pos[2 * n] = x;
      pos[2 * n + 1] = y + k * CELL + Math.floor(k / Math.max(1, perDomain));
    }
    bandHeight = Math.max(bandHeight, rackHeight);
    x += CELL + RACK_GAP;
    width = Math.max(width, x);
  }
  return { pos, width: Math.max(1, width), height: y + bandHeight + 1 };
}

/** Draws the map on the canvas; returns a function from canvas coordinates to a node index (or -1). */
export function draw(canvas, map, by, maxWidth) {
  const t0 = performance.now();
  const { pos, width, height } = layout(map, maxWidth);
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d', { alpha: false });
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  // Batch by colour: one fillStyle change per colour rather than per node.
  const byColour = new Map();
  for (let n = 0; n < map.nodes; n++) {
    const c = colourOf(map, n, by);
    let list = byColour.get(c);
    if (!list) { list = []; byColour.set(c, list); }
    list.push(n);
  }
  const hit = new Int32Array(Math.ceil(width / CELL + 1) * Math.ceil(height / CELL + 1)).fill(-1);
  const cols = Math.ceil(width / CELL + 1);
  let drawn = 0;
  for (const [colour, nodes] of byColour) {
    g.fillStyle = colour;
    for (const n of nodes) {
      const x = pos[2 * n], y = pos[2 * n + 1];
      g.fillRect(x, y, CELL - 1, CELL - 1);
      hit[Math.floor(y / CELL) * cols + Math.floor(x / CELL)] = n;
      drawn++;
    }
  }
  const ms = performance.now() - t0;
  // Test hooks: how many cells were drawn and how long it took.
  canvas.dataset.cells = String(drawn);
  canvas.dataset.drawMs = ms.toFixed(1);
  return (x, y) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return -1;
    const n = hit[Math.floor(y / CELL) * cols + Math.floor(x / CELL)];
    return n === undefined ? -1 : n;
  };
}

export function legend(map, by) {
  if (by === 'tenant') {
    const rows = map.holders.map((name, i) => [name === 'occupied' ? '#8a939e' : TENANT_COLOURS[i % TENANT_COLOURS.length], name]);
    rows.push([STATE_COLOURS.f, 'no job']);
    return rows;
  }
  return Object.keys(STATE_COLOURS).map(k => [STATE_COLOURS[k], STATE_NAMES[k]]);
}
