// vitrine's deep-zoom view: draws one IIIF Image API 3.0 level-0 image from
// its static tiles on a canvas, with zoom (wheel, buttons, + and - keys) and
// pan (drag, arrow keys). It asks only for files a level-0 service has: the
// sizes listed in info.json and the tiles of its scale factors.
'use strict';
(function () {
  const canvases = JSON.parse(document.getElementById('canvases').textContent);
  const params = new URLSearchParams(location.search);
  const k = Math.min(canvases.length, Math.max(1, parseInt(params.get('canvas'), 10) || 1)) - 1;
  const item = canvases[k];
  const el = document.getElementById('zoom');
  const g = el.getContext('2d');
  const status = document.getElementById('zoom-status');
  const api = { ready: false, drawn: 0, zoomBy: (f) => zoomAt(f, el.clientWidth / 2, el.clientHeight / 2), home: () => home() };
  window.vitrineZoom = api;

  document.getElementById('zoom-label').textContent = item.label;
  document.title = item.label;
  const prev = document.getElementById('zoom-prev'), next = document.getElementById('zoom-next');
  if (k > 0) prev.href = '?canvas=' + k; else prev.hidden = true;
  if (k + 1 < canvases.length) next.href = '?canvas=' + (k + 2); else next.hidden = true;

  let info = null, base = null, scales = [1], tile = 512;
  let s = 1, ox = 0, oy = 0; // screen px per image px; image point at the top-left corner
  const cache = new Map();
  let pending = false;

  function image(url) {
    let im = cache.get(url);
    if (!im) {
      im = new Image();
      im.crossOrigin = 'anonymous';
      im.onload = redraw;
      im.onerror = () => { status.textContent = 'Could not load ' + url; };
      im.src = url;
      cache.set(url, im);
    }
    return im;
  }

  function size() {
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(el.clientWidth * dpr);
    el.height = Math.round(el.clientHeight * dpr);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  function home() {
    const W = el.clientWidth, H = el.clientHeight;
    s = Math.min(W / info.width, H / info.height) * 0.96;
    ox = (info.width - W / s) / 2;
    oy = (info.height - H / s) / 2;
    redraw();
  }

  function zoomAt(f, sx, sy) {
    if (!info) return;
    const min = Math.min(el.clientWidth / info.width, el.clientHeight / info.height) * 0.5;
    const ns = Math.max(min, Math.min(4, s * f));
    const ix = ox + sx / s, iy = oy + sy / s;
    s = ns;
    ox = ix - sx / s;
    oy = iy - sy / s;
    redraw();
  }

  function redraw() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  function put(im, x, y, w, h) {
    if (!im.complete || !im.naturalWidth) return false;
    g.drawImage(im, (x - ox) * s, (y - oy) * s, w * s, h * s);
    return true;
  }

  function draw() {
    pending = false;
    if (!info) return;
    const W = el.clientWidth, H = el.clientHeight;
    g.clearRect(0, 0, W, H);
    if (put(image(base), 0, 0, info.width, info.height)) api.drawn++;
    // The coarsest scale factor that is still at least as sharp as the screen.
    let sf = scales[0];
    for (const f of scales) if (f <= 1 / s) sf = Math.max(sf, f);
    const lw = Math.ceil(info.width / sf), lh = Math.ceil(info.height / sf);
    if (lw <= baseW) return; // the base image is already as sharp
    const span = tile * sf;
    const x0 = Math.max(0, Math.floor(ox / span) * span), y0 = Math.max(0, Math.floor(oy / span) * span);
    const x1 = Math.min(info.width, ox + W / s), y1 = Math.min(info.height, oy + H / s);
    for (let y = y0; y < y1; y += span) {
      for (let x = x0; x < x1; x += span) {
        const w = Math.min(span, info.width - x), h = Math.min(span, info.height - y);
        const url = tileURL(x, y, w, h, Math.ceil(w / sf), Math.ceil(h / sf));
        if (put(image(url), x, y, w, h)) api.drawn++;
      }
    }
  }

  // tileURL names a region scaled to sw x sh the way vitrine writes the
  // files of a level-0 service: Image API 3 ("w,h", "max"), or 2 ("w,",
  // "full") when info.json is a 2.x one (it has "@id" and no "id").
  function tileURL(x, y, w, h, sw, sh) {
    const region = (x === 0 && y === 0 && w === info.width && h === info.height) ? 'full' : `${x},${y},${w},${h}`;
    let size;
    if (v2) size = sw === info.width ? 'full' : `${sw},`;
    else size = (sw === info.width && sh === info.height) ? 'max' : `${sw},${sh}`;
    return `${id}/${region}/${size}/0/default.jpg`;
  }

  let baseW = 0, v2 = false, id = '';
  fetch(item.info).then((r) => {
    if (!r.ok) throw new Error(`${item.info}: HTTP ${r.status}`);
    return r.json();
  }).then((i) => {
    info = i;
    v2 = !i.id && !!i['@id'];
    id = i.id || i['@id'];
    const t = (i.tiles && i.tiles[0]) || {};
    tile = t.width || 512;
    scales = (t.scaleFactors && t.scaleFactors.length) ? t.scaleFactors.slice().sort((a, b) => a - b) : [1];
    // The base layer: the largest listed size up to 1200 pixels wide.
    const sizes = (i.sizes || []).slice().sort((a, b) => a.width - b.width);
    const b = sizes.filter((z) => z.width <= 1200).pop() || sizes[0];
    if (b) { base = v2 ? `${id}/full/${b.width},/0/default.jpg` : `${id}/full/${b.width},${b.height}/0/default.jpg`; baseW = b.width; }
    else { base = v2 ? `${id}/full/full/0/default.jpg` : `${id}/full/max/0/default.jpg`; baseW = i.width; }
    size();
    home();
    api.ready = true;
  }).catch((e) => {
    status.textContent = 'Could not open the image: ' + e.message;
    console.error(e);
  });

  window.addEventListener('resize', () => { if (info) { size(); redraw(); } });
  el.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = el.getBoundingClientRect();
    zoomAt(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  let drag = null;
  el.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY }; el.setPointerCapture(e.pointerId); });
  el.addEventListener('pointermove', (e) => {
    if (!drag) return;
    ox -= (e.clientX - drag.x) / s;
    oy -= (e.clientY - drag.y) / s;
    drag = { x: e.clientX, y: e.clientY };
    redraw();
  });
  el.addEventListener('pointerup', () => { drag = null; });
  el.addEventListener('dblclick', (e) => {
    const r = el.getBoundingClientRect();
    zoomAt(2, e.clientX - r.left, e.clientY - r.top);
  });
  document.getElementById('zoom-in').addEventListener('click', () => api.zoomBy(1.5));
  document.getElementById('zoom-out').addEventListener('click', () => api.zoomBy(1 / 1.5));
  document.getElementById('zoom-home').addEventListener('click', () => home());
  document.addEventListener('keydown', (e) => {
    const step = 80 / s;
    switch (e.key) {
      case '+': case '=': api.zoomBy(1.5); break;
      case '-': api.zoomBy(1 / 1.5); break;
      case '0': home(); break;
      case 'ArrowLeft': ox -= step; redraw(); break;
      case 'ArrowRight': ox += step; redraw(); break;
      case 'ArrowUp': oy -= step; redraw(); break;
      case 'ArrowDown': oy += step; redraw(); break;
      default: return;
    }
    e.preventDefault();
  });
})();
