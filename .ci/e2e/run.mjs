// End-to-end checks of vitrine's outputs in headless Chromium, with real
// IIIF viewers (Mirador, tify, OpenSeadragon, Universal Viewer: uv.mjs) and
// a real EPUB reading engine
// (epub.js), against a running `vitrine serve`.
//
//   node run.mjs --screens DIR [--manifest URL]... [--epub URL]...
//                [--index URL --plates N]... [--only mirador,tify,osd,uv,epub,index]
//                [--case NAME:VIEWER:URL]... [--book NAME:URL]...
//
// --manifest runs every IIIF viewer on a manifest; --case runs one viewer
// (mirador, tify, osd, uv: URL is a manifest; epub: URL is an EPUB; index: URL
// is an index page) under a
// name of its own, so one run can check several outputs. --book reads an
// EPUB as a book in epub.js at a page size and a phone size (caseBook).
//
// The viewer pages are served by this script on another loopback port than
// the IIIF host, so CORS is really exercised. Every case fails on a page
// error, a console error, a failed request or an HTTP status >= 400, and on
// a render that does not show the expected image. A screenshot of every case
// is written to --screens. Prints one line per case and a JSON summary;
// exits 1 when any case failed, 2 on a usage error.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseUV, uvPage, uvPageRequest } from './uv.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const o = { manifest: [], epub: [], index: [], plates: [], cases: [], books: [], jobs: 3, screens: '', only: null, chromium: process.env.CHROMIUM || '/usr/bin/chromium', timeout: 30000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--manifest': o.manifest.push(v()); break;
      case '--epub': o.epub.push(v()); break;
      case '--index': o.index.push(v()); break;
      case '--plates': o.plates.push(Number(v())); break;
      case '--case': {
        const m = /^([\w.-]+):(mirador|tify|osd|uv|epub|index):(.+)$/.exec(v());
        if (!m) usage('--case wants NAME:VIEWER:URL with VIEWER one of mirador, tify, osd, uv, epub, index');
        o.cases.push({ name: m[1], viewer: m[2], url: m[3] });
        break;
      }
      case '--book': {
        const m = /^([\w.-]+):(.+)$/.exec(v());
        if (!m) usage('--book wants NAME:URL (an EPUB)');
        o.books.push({ name: m[1], url: m[2] });
        break;
      }
      case '--screens': o.screens = v(); break;
      case '--only': o.only = new Set(v().split(',')); break;
      case '--chromium': o.chromium = v(); break;
      case '--timeout': o.timeout = Number(v()); break;
      case '--jobs': o.jobs = Math.max(1, Number(v()) || 1); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.screens) usage('--screens is required');
  if (o.index.length !== o.plates.length) usage('give one --plates N per --index URL');
  return o;
}

function usage(msg) {
  console.error(`run.mjs: ${msg}`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
fs.mkdirSync(opts.screens, { recursive: true });

// ---- the viewer pages, on their own origin ---------------------------------

const pages = {
  '/mirador.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mirador</title>
<style>html,body{margin:0;height:100%}#m{position:absolute;inset:0}</style></head>
<body><div id="m"></div><script src="/vendor/mirador-4.0.0.min.js"></script>
<script>
const manifest = new URLSearchParams(location.search).get('manifest');
window.miradorInstance = Mirador.viewer({
  id: 'm',
  windows: [{ manifestId: manifest, thumbnailNavigationPosition: 'far-bottom' }],
  window: { sideBarOpen: true, defaultSideBarPanel: 'canvas', allowClose: false },
  workspaceControlPanel: { enabled: false },
});
</script></body></html>`,
  '/tify.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tify</title>
<link rel="stylesheet" href="/node_modules/tify/dist/tify.css">
<style>html,body{margin:0;height:100%}#t{height:100vh}</style></head>
<body><div id="t"></div><script type="module">
import Tify from '/node_modules/tify/dist/tify.js';
const manifest = new URLSearchParams(location.search).get('manifest');
window.tify = new Tify({ container: '#t', manifestUrl: manifest });
</script></body></html>`,
  '/osd.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>osd</title>
<style>html,body{margin:0;height:100%;background:#000}#o{position:absolute;inset:0}</style></head>
<body><div id="o"></div><script src="/node_modules/openseadragon/build/openseadragon/openseadragon.min.js"></script>
<script>
const info = new URLSearchParams(location.search).get('info');
window.tilesLoaded = 0;
window.opened = new Promise((resolve, reject) => {
  window.osd = OpenSeadragon({ id: 'o', tileSources: info, showNavigationControl: false, crossOriginPolicy: 'Anonymous', animationTime: 0, immediateRender: false });
  osd.addHandler('open', resolve);
  osd.addHandler('open-failed', (e) => reject(new Error('open-failed: ' + e.message)));
  osd.addHandler('tile-loaded', () => { window.tilesLoaded++; });
});
</script></body></html>`,
  '/epub.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>epub</title>
<style>html,body{margin:0;background:#fff}#r{width:800px;height:1000px}</style></head>
<body><div id="r"></div>
<script src="/node_modules/jszip/dist/jszip.min.js"></script>
<script src="/node_modules/epubjs/dist/epub.min.js"></script></body></html>`,
  '/judge.html': `<!doctype html><html><head><meta charset="utf-8"><title>judge</title></head><body></body></html>`,
  '/uv.html': uvPage,
};

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.map': 'application/json' };

function startPageServer() {
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (pages[u.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(pages[u.pathname]);
      return;
    }
    if (u.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (uvPageRequest(u.pathname, res)) return;
    const rel = path.normalize(decodeURIComponent(u.pathname)).replace(/^\/+/, '');
    if (!(rel.startsWith('node_modules/') || rel.startsWith('vendor/')) || rel.includes('..')) {
      res.writeHead(404); res.end(); return;
    }
    fs.readFile(path.join(here, rel), (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': types[path.extname(rel)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

// ---- watching a page ----------------------------------------------------------

// watch records everything that counts as a failure on a page, and every
// response, for the case's own checks.
//
// knownNoise lists console errors that a viewer logs whatever it is given,
// so that they say nothing about vitrine's output. Keep it short and exact.
const knownNoise = [
  // Mirador 4.0.0's React 19 build warns about its own components.
  /^Accessing element\.ref was removed in React 19\./,
];

function watch(page) {
  const w = { errors: [], responses: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' && !knownNoise.some((re) => re.test(m.text()))) w.errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`page error: ${e.message}`));
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('requestfailed', (r) => w.errors.push(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    w.responses.push({ url: r.url(), status: r.status() });
    if (r.status() >= 400) w.errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return w;
}

// settle waits until no request has started or finished for quiet ms.
async function settle(page, w, quiet = 800, max = opts.timeout) {
  const start = Date.now();
  let last = -1, lastChange = Date.now();
  while (Date.now() - start < max) {
    const n = w.requests.length + w.responses.length;
    if (n !== last) { last = n; lastChange = Date.now(); }
    else if (Date.now() - lastChange >= quiet) return;
    await page.waitForTimeout(200);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- judging a render against the image itself ---------------------------

// judge compares a screenshot of a viewer's image area with the image it
// should show (fetched from refURL), placed centred and scaled to fit as a
// viewer's home view does (filling the area along one side, give or take
// a margin of up to 20%). A canvas whose size does not match its image
// shows the image smaller than the home view, or stretched, and fails. It returns the median
// per-pixel difference between the screenshot and the image (0-255), and
// the same for a blank render (the area's background colour), so that a
// viewer showing only its background or toolbar cannot pass.
async function judge(judgePage, png, refURL) {
  return judgePage.evaluate(async ({ b64, refURL }) => {
    const shot = await createImageBitmap(await (await fetch('data:image/png;base64,' + b64)).blob());
    const resp = await fetch(refURL);
    if (!resp.ok) throw new Error(`reference image ${refURL}: HTTP ${resp.status}`);
    const ref = await createImageBitmap(await resp.blob());
    const W = 160, H = Math.max(1, Math.round(shot.height * W / shot.width));
    const c = new OffscreenCanvas(W, H), g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(shot, 0, 0, W, H);
    const S = g.getImageData(0, 0, W, H).data;
    // background: the most common colour on the border
    const counts = new Map();
    const px = (d, i) => [d[i], d[i + 1], d[i + 2]];
    for (let x = 0; x < W; x++) for (const y of [0, H - 1]) { const k = px(S, (y * W + x) * 4).map((v) => v >> 3).join(); counts.set(k, (counts.get(k) || 0) + 1); }
    for (let y = 0; y < H; y++) for (const x of [0, W - 1]) { const k = px(S, (y * W + x) * 4).map((v) => v >> 3).join(); counts.set(k, (counts.get(k) || 0) + 1); }
    const bgKey = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0].split(',').map((v) => (Number(v) << 3) + 4);
    const fit = Math.min(W / ref.width, H / ref.height);
    const r = new OffscreenCanvas(W, H), rg = r.getContext('2d', { willReadFrequently: true });
    const median = (a) => { a.sort((x, y) => x - y); return a.length ? a[a.length >> 1] : 255; };
    let best = { diff: 255, blank: 0, scale: 0 };
    for (let s = 1.0; s >= 0.8; s -= 0.01) for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) {
      const w = Math.round(ref.width * fit * s), h = Math.round(ref.height * fit * s);
      if (w < 8 || h < 8) break;
      const x0 = Math.max(0, Math.min(W - w, Math.round((W - w) / 2) + dx)), y0 = Math.max(0, Math.min(H - h, Math.round((H - h) / 2) + dy));
      rg.clearRect(0, 0, W, H);
      rg.drawImage(ref, x0, y0, w, h);
      const R = rg.getImageData(x0, y0, w, h).data;
      const diffs = [], blanks = [];
      let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const i = ((y0 + y) * W + (x0 + x)) * 4, j = (y * w + x) * 4;
        diffs.push((Math.abs(S[i] - R[j]) + Math.abs(S[i + 1] - R[j + 1]) + Math.abs(S[i + 2] - R[j + 2])) / 3);
        blanks.push((Math.abs(bgKey[0] - R[j]) + Math.abs(bgKey[1] - R[j + 1]) + Math.abs(bgKey[2] - R[j + 2])) / 3);
        const a = S[i] + S[i + 1] + S[i + 2], b = R[j] + R[j + 1] + R[j + 2];
        n++; sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
      }
      // Normalized cross-correlation of the grey levels: the image's own
      // structure must be on screen, not just colours close to it.
      const va = saa / n - (sa / n) ** 2, vb = sbb / n - (sb / n) ** 2;
      const ncc = va > 1 && vb > 1 ? (sab / n - (sa / n) * (sb / n)) / Math.sqrt(va * vb) : 0;
      const cand = { diff: median(diffs), blank: median(blanks), ncc: Number(ncc.toFixed(3)), refSd: Number((Math.sqrt(vb) / 3).toFixed(1)), scale: Number(s.toFixed(2)) };
      const better = cand.refSd >= 2 ? cand.ncc > (best.ncc ?? -2) : cand.diff < best.diff;
      if (better) best = cand;
    }
    return best;
  }, { b64: png.toString('base64'), refURL });
}

function rendered(j) {
  // The image is there when its structure is on screen (correlation) and
  // its colours are close; for an image without structure (one flat
  // colour), when it is much closer to the screenshot than the background.
  if (j.refSd >= 2) return j.ncc >= 0.5 && j.diff <= 40;
  return j.diff <= 40 && j.diff < 0.5 * Math.max(j.blank, 1);
}

// shotAlone screenshots el with every other element that overlaps it
// (a viewer's toolbars and captions) hidden for the moment, so that the
// judge sees the image area only.
async function shotAlone(el) {
  const hidden = await el.evaluate((target) => {
    const r = target.getBoundingClientRect();
    const out = [];
    for (const e of document.body.querySelectorAll('*')) {
      if (e === target || target.contains(e) || e.contains(target)) continue;
      if (getComputedStyle(e).visibility === 'hidden') continue;
      const q = e.getBoundingClientRect();
      if (q.width && q.height && q.left < r.right && q.right > r.left && q.top < r.bottom && q.bottom > r.top) {
        e.dataset.e2eHidden = '1';
        e.style.setProperty('visibility', 'hidden', 'important');
        out.push(e);
      }
    }
    return out.length;
  });
  const png = await el.screenshot();
  await el.evaluate(() => {
    for (const e of document.querySelectorAll('[data-e2e-hidden]')) { e.style.removeProperty('visibility'); delete e.dataset.e2eHidden; }
  });
  return { png, hidden };
}

function verdict(j) {
  return `correlation with the image ${j.ncc ?? 'n/a'} (want >= 0.5), median colour difference ${j.diff} (want <= 40; ${j.blank} for a blank view)`;
}

async function largest(page, selector) {
  const els = await page.$$(selector);
  let best = null, area = 0;
  for (const el of els) {
    const b = await el.boundingBox();
    if (b && b.width * b.height > area) { area = b.width * b.height; best = el; }
  }
  return best;
}

// ---- IIIF helpers -------------------------------------------------------------

function labels(label) {
  if (!label) return [];
  return Object.values(label).flat().map(String);
}

function firstImage(manifest, canvasIndex = 0) {
  const canvas = manifest.items?.[canvasIndex];
  const body = canvas?.items?.[0]?.items?.[0]?.body;
  if (!body) throw new Error(`canvas ${canvasIndex + 1} has no painting annotation`);
  const svc = [body.service].flat().find((s) => s && (s.id || s['@id']));
  return { canvas, body, service: svc ? (svc.id || svc['@id']) : null };
}

async function fetchJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

// ---- the cases ------------------------------------------------------------------

async function caseMirador(ctx, judgePage, pageBase, manifestURL, name) {
  const manifest = await fetchJSON(manifestURL);
  const page = await ctx.newPage();
  const w = watch(page);
  const problems = [];
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`${pageBase}/mirador.html?manifest=${encodeURIComponent(manifestURL)}`);
  await page.waitForSelector('.openseadragon-canvas', { timeout: opts.timeout });
  await settle(page, w);
  await sleep(500);
  // The index panel opens on the table of contents when the manifest has
  // ranges: show the list of every canvas.
  const itemList = page.getByRole('tab', { name: 'Item list' });
  if (await itemList.count()) { await itemList.first().click(); await page.waitForTimeout(300); }
  // The list renders only what is in view: scroll it, reading as it goes.
  const seen = await page.evaluate(async () => {
    const lines = new Set();
    const grab = () => document.body.innerText.split('\n').forEach((t) => lines.add(t.trim()));
    grab();
    const scrollers = [...document.querySelectorAll('*')].filter((e) => e.clientHeight > 50 && e.scrollHeight > e.clientHeight + 4 && /(auto|scroll)/.test(getComputedStyle(e).overflowY));
    for (const sc of scrollers) {
      for (let y = 0; y <= sc.scrollHeight; y += Math.max(40, sc.clientHeight / 2)) {
        sc.scrollTop = y;
        await new Promise((r) => setTimeout(r, 80));
        grab();
      }
      sc.scrollTop = 0;
    }
    return [...lines];
  });
  manifest.items.forEach((c, i) => {
    const ls = labels(c.label);
    if (!ls.length) problems.push(`canvas ${i + 1} has no label`);
    else if (!ls.some((l) => seen.some((t) => t.includes(l)))) problems.push(`canvas ${i + 1} label ${JSON.stringify(ls[0])} is not listed`);
  });
  const first = firstImage(manifest);
  if (first.service && !w.responses.some((r) => r.url.startsWith(first.service + '/') && /\/default\.jpg$/.test(r.url))) {
    problems.push(`no image of ${first.service} was requested`);
  }
  await page.screenshot({ path: path.join(opts.screens, `${name}-mirador.png`) });
  const el = await largest(page, '.openseadragon-canvas');
  const j = await judge(judgePage, (await shotAlone(el)).png, first.body.id);
  if (!rendered(j)) problems.push(`first plate not rendered: ${verdict(j)}`);
  await page.close();
  return { problems: problems.concat(w.errors), detail: { judge: j, requests: w.responses.length } };
}

async function caseTify(ctx, judgePage, pageBase, manifestURL, name) {
  const manifest = await fetchJSON(manifestURL);
  const page = await ctx.newPage();
  const w = watch(page);
  const problems = [];
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`${pageBase}/tify.html?manifest=${encodeURIComponent(manifestURL)}`);
  await page.waitForSelector('.openseadragon-canvas', { timeout: opts.timeout });
  await settle(page, w);
  // Open the page overview, which asks for every canvas's thumbnail.
  const thumbsBtn = page.getByRole('button', { name: 'Pages' }).first();
  const hasThumbs = (await thumbsBtn.count()) > 0;
  if (hasThumbs) {
    await thumbsBtn.click();
    await settle(page, w);
    await page.screenshot({ path: path.join(opts.screens, `${name}-tify-pages.png`) });
    await thumbsBtn.click();
    await settle(page, w);
  } else problems.push('tify shows no "Pages" button');
  const sized = w.responses.filter((r) => /\/full\/\d*,\d*\/0\/default\.jpg$/.test(r.url));
  if (!sized.length) problems.push('tify requested no image at a listed size');
  const first = firstImage(manifest);
  await page.screenshot({ path: path.join(opts.screens, `${name}-tify.png`) });
  const el = await largest(page, '.openseadragon-canvas');
  const j = await judge(judgePage, (await shotAlone(el)).png, first.body.id);
  if (!rendered(j)) problems.push(`first plate not rendered: ${verdict(j)}`);
  await page.close();
  return { problems: problems.concat(w.errors), detail: { judge: j, sizedRequests: sized.length, pagesButton: hasThumbs } };
}

async function caseOSD(ctx, judgePage, pageBase, infoURL, name) {
  const info = await fetchJSON(infoURL);
  const page = await ctx.newPage();
  const w = watch(page);
  const problems = [];
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(`${pageBase}/osd.html?info=${encodeURIComponent(infoURL)}`);
  await page.evaluate(() => window.opened);
  await settle(page, w);
  const el = await largest(page, '.openseadragon-canvas');
  const big = (info.sizes || []).slice().sort((a, b) => b.width - a.width)[0];
  const full = big ? `${info.id}/full/${big.width},${big.height}/0/default.jpg` : `${info.id}/full/max/0/default.jpg`;
  const j = await judge(judgePage, (await shotAlone(el)).png, full);
  if (!rendered(j)) problems.push(`home view not rendered: ${verdict(j)}`);
  await page.screenshot({ path: path.join(opts.screens, `${name}-osd-home.png`) });
  // Zoom all the way in at the bottom-right corner, then at the top-left:
  // the deepest level's edge tiles, then its first tile.
  for (const [fx, fy] of [[0.999, 0.999], [0.001, 0.001]]) {
    await page.evaluate(({ fx, fy }) => {
      const v = osd.viewport;
      const p = v.imageToViewportCoordinates(new OpenSeadragon.Point(osd.world.getItemAt(0).source.width * fx, osd.world.getItemAt(0).source.height * fy));
      v.zoomTo(v.getMaxZoom(), null, true);
      v.panTo(p, true);
    }, { fx, fy });
    await settle(page, w);
  }
  await page.screenshot({ path: path.join(opts.screens, `${name}-osd-zoomed.png`) });
  const prefix = info.id + '/';
  const tiles = w.responses.filter((r) => r.url.startsWith(prefix) && r.url.endsWith('/default.jpg')).map((r) => {
    const [region, size] = r.url.slice(prefix.length).split('/');
    return { ...r, region, size };
  });
  const levels = new Set();
  let edge = 0;
  for (const t of tiles) {
    if (t.region === 'full') { levels.add(`full:${t.size}`); continue; }
    const [x, y, rw, rh] = t.region.split(',').map(Number);
    const sw = Number(t.size.split(',')[0]);
    levels.add(`scale:${Math.round(rw / sw)}`);
    if (x + rw === info.width || y + rh === info.height) edge++;
  }
  const tileW = info.tiles?.[0]?.width || 0;
  // An image that fits in one tile, or a service with one scale factor,
  // has only one level to ask for.
  const oneTile = info.width <= tileW && info.height <= (info.tiles?.[0]?.height || tileW);
  const wantLevels = oneTile ? 1 : Math.min(2, info.tiles?.[0]?.scaleFactors?.length || 1);
  if (levels.size < wantLevels) problems.push(`tiles from ${levels.size} level(s) requested, want at least ${wantLevels} (${[...levels].join(' ')})`);
  if ((info.width > tileW || info.height > tileW) && edge === 0) problems.push('no edge tile was requested');
  await page.close();
  return { problems: problems.concat(w.errors), detail: { judge: j, tiles: tiles.length, levels: [...levels].sort(), edgeTiles: edge } };
}

async function caseEPUB(ctx, pageBase, epubURL, name) {
  const page = await ctx.newPage();
  const w = watch(page);
  const problems = [];
  await page.setViewportSize({ width: 820, height: 1020 });
  await page.goto(`${pageBase}/epub.html`);
  // epub.js waits forever when the book cannot be fetched: time out.
  const sections = await Promise.race([
    page.evaluate(async (url) => {
      window.book = ePub(url, { openAs: 'epub' });
      await book.ready;
      window.rendition = book.renderTo('r', { width: 800, height: 1000, flow: 'scrolled-doc' });
      const out = [];
      for (const item of book.spine.spineItems) {
        const doc = await item.load(book.load.bind(book));
        const types = [...doc.querySelectorAll('[*|type]:not(a)')].map((e) => e.getAttributeNS('http://www.idpf.org/2007/ops', 'type') || '').join(' ');
        const heads = [...doc.querySelectorAll('h1,h2')].map((e) => e.textContent).join(' | ');
        out.push({ href: item.href, imgs: doc.querySelectorAll('img, image').length, links: doc.querySelectorAll('a[href]').length, types, heads, linear: item.linear });
        item.unload();
      }
      return out;
    }, epubURL),
    sleep(opts.timeout).then(() => { throw new Error(`epub.js did not open ${epubURL} within ${opts.timeout} ms`); }),
  ]);
  const isLoi = (s) => /\bloi\b|list-of-illustrations/.test(s.types) || /(^|\/)(plates|loi|list-of-plates|illustrations)\.x?html$/.test(s.href);
  const isTitle = (s) => /titlepage/.test(s.types) || /title/i.test(s.href);
  const want = [];
  const title = sections.find(isTitle) || sections.find((s) => s.linear !== 'no' && s.linear !== false);
  const plate = sections.find((s) => s !== title && !isLoi(s) && s.imgs > 0 && !/cover/i.test(s.href) && !/cover/.test(s.types));
  const loi = sections.find((s) => isLoi(s) && s !== title);
  if (title) want.push(['title', title]); else problems.push('no title page');
  if (plate) want.push(['plate', plate]); else problems.push('no plate page (a page with an image)');
  if (loi) want.push(['plates', loi]); else problems.push('no list of plates (a page with epub:type "loi", or named plates.xhtml)');
  const shown = {};
  for (const [what, s] of want) {
    const res = await Promise.race([
      page.evaluate(async (href) => {
        await rendition.display(href);
        const c = rendition.getContents()[0];
        const doc = c.document;
        const imgs = [...doc.querySelectorAll('img')];
        await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
        const svgImgs = [...doc.querySelectorAll('image')];
        return {
          text: doc.body.innerText.trim().length,
          imgs: imgs.length + svgImgs.length,
          broken: imgs.filter((i) => !(i.naturalWidth > 0)).map((i) => i.getAttribute('src')),
        };
      }, s.href),
      sleep(opts.timeout).then(() => ({ timeout: true })),
    ]);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(opts.screens, `${name}-epub-${what}.png`) });
    shown[what] = { href: s.href, ...res };
    if (res.timeout) { problems.push(`${what} page ${s.href} did not render`); continue; }
    if (res.text === 0 && res.imgs === 0) problems.push(`${what} page ${s.href} rendered blank`);
    if (res.broken.length) problems.push(`${what} page ${s.href}: images not shown: ${res.broken.join(', ')}`);
    if (what === 'plate' && res.imgs - res.broken.length < 1) problems.push(`plate page ${s.href} shows no image`);
    if (what === 'plates' && s.links < 1) problems.push(`list of plates ${s.href} links to no plate`);
  }
  await page.close();
  return { problems: problems.concat(w.errors), detail: { sections: sections.length, shown } };
}

// ---- the catalogue as a book ------------------------------------------------------

// bookChecks runs in a rendered page of the book (epub.js's iframe) and
// returns what is wrong with it as a reader would see it:
//  - images: each shown at its own aspect ratio (within 2%);
//  - text order: every run of text written in one direction (a text node
//    with letters of one direction only, or digits) is read back from the
//    screen word by word: on each line its words must stand in their
//    logical order, left to right or right to left;
//  - isolation: such a run whose direction is not that of its element
//    must be isolated (unicode-bidi isolate, or a block of its own);
//  - typography: no italic, small capitals or synthesized styles in
//    Hangul, Han, Arabic or Hebrew text, Korean kept whole (word-break
//    keep-all), no justified text on a phone;
//  - the tombstone: every label level with its value, and no row split
//    across pages or columns;
//  - the first screen of the page shows something.
function bookChecks(narrow) {
  const doc = document;
  const out = { problems: [], runs: 0, images: [], rows: 0, visible: 0 };
  const p = (m) => { if (out.problems.length < 40) out.problems.push(m); };
  // What the reader sees first: a paginating reader scrolls the page's
  // columns inside the frame, so the frame's viewport is the page shown.
  for (const e of doc.querySelectorAll('img, p, h1, h2, td, dt, dd, li')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.left < window.innerWidth && r.right > 0 && r.top < window.innerHeight && r.bottom > 0) out.visible++;
  }
  if (out.visible === 0) p('the first screen of the page is blank (its content starts on a later page)');
  for (const img of doc.querySelectorAll('img')) {
    const r = img.getBoundingClientRect();
    if (!(img.naturalWidth > 0)) { p(`image ${img.getAttribute('src')} not shown`); continue; }
    const want = img.naturalWidth / img.naturalHeight, got = r.width / r.height;
    out.images.push({ src: img.getAttribute('src'), want: +want.toFixed(3), got: +got.toFixed(3) });
    if (Math.abs(got / want - 1) > 0.02) p(`image ${img.getAttribute('src')} shown at ${r.width.toFixed(0)}x${r.height.toFixed(0)}, ratio ${got.toFixed(3)} instead of ${want.toFixed(3)}`);
  }
  const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/, LTR = /[A-Za-z\u00C0-\u02AF\u0370-\u052F\u1100-\u11FF\u3040-\u30FF\u3130-\u318F\u3400-\u9FFF\uAC00-\uD7AF]/;
  const isolated = (el, block) => {
    for (let e = el; e && e !== block; e = e.parentElement) {
      if (/isolate|plaintext/.test(getComputedStyle(e).unicodeBidi) || e.localName === 'bdi') return true;
    }
    return false;
  };
  const blockOf = (el) => {
    for (let e = el; e; e = e.parentElement) if (!/^inline/.test(getComputedStyle(e).display)) return e;
    return doc.body;
  };
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const s = node.data, hasR = RTL.test(s), hasL = LTR.test(s);
    if (hasR && hasL) continue; // mixed text: the author's, read by the bidi algorithm
    if (!hasR && !hasL && !/\d/.test(s)) continue; // punctuation and spaces
    const el = node.parentElement;
    if (!el || el.closest('[hidden], title, style, script')) continue;
    const dir = hasR ? 'rtl' : 'ltr';
    const words = [];
    for (const m of s.matchAll(/\S+/g)) {
      const r = doc.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const q = [...r.getClientRects()].find((q) => q.width > 0);
      if (q) words.push({ w: m[0], x: q.left + q.width / 2, y: q.top + q.height / 2, h: q.height });
    }
    if (!words.length) continue;
    out.runs++;
    for (let i = 1; i < words.length; i++) {
      const a = words[i - 1], b = words[i];
      if (Math.abs(a.y - b.y) > a.h / 2) continue; // a new line
      if (dir === 'ltr' ? b.x < a.x : b.x > a.x) {
        const line = words.filter((w) => Math.abs(w.y - a.y) <= a.h / 2).sort((u, v) => u.x - v.x).map((w) => w.w).join(' ');
        p(`"${s.trim()}" (${dir}) reads out of order on screen: "${line}" from left to right`);
        break;
      }
    }
    const block = blockOf(el);
    if (getComputedStyle(el).direction !== dir && hasL !== hasR && !isolated(el, block)) {
      p(`"${s.trim().slice(0, 60)}" (${dir}) in a ${getComputedStyle(el).direction} <${el.localName}> is not isolated`);
    }
  }
  const noFake = /^(ko|ja|zh|ar|fa|ur|he|yi)\b/;
  for (const el of doc.querySelectorAll('body *')) {
    const t = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('').trim();
    if (!t) continue;
    const lang = (el.closest('[lang]')?.getAttribute('lang') || '').toLowerCase();
    const cs = getComputedStyle(el);
    if (noFake.test(lang)) {
      if (cs.fontStyle !== 'normal') p(`<${el.localName} lang=${lang}> "${t.slice(0, 30)}" is set ${cs.fontStyle}`);
      if (cs.fontVariantCaps && cs.fontVariantCaps !== 'normal') p(`<${el.localName} lang=${lang}> "${t.slice(0, 30)}" is set in ${cs.fontVariantCaps}`);
      if (cs.fontSynthesis && !/none/.test(cs.fontSynthesis) && cs.fontSynthesis !== '') p(`<${el.localName} lang=${lang}> allows font-synthesis: ${cs.fontSynthesis}`);
      if (/^(ar|fa|ur)/.test(lang) && cs.letterSpacing !== 'normal' && parseFloat(cs.letterSpacing) !== 0) p(`<${el.localName} lang=${lang}> letter-spaced (${cs.letterSpacing}): Arabic letters come apart`);
    }
    if (lang.startsWith('ko') && cs.wordBreak !== 'keep-all') p(`<${el.localName} lang=${lang}> word-break ${cs.wordBreak}, want keep-all`);
    if (narrow && cs.textAlign === 'justify') p(`<${el.localName}> "${t.slice(0, 30)}" justified on a phone`);
  }
  for (const row of doc.querySelectorAll('dl.tombstone > div')) {
    out.rows++;
    const dt = row.querySelector('dt'), dd = row.querySelector('dd');
    if (!dt || !dd) { p('a tombstone row without label or value'); continue; }
    const first = (e) => { const r = doc.createRange(); r.selectNodeContents(e); return [...r.getClientRects()].find((q) => q.width > 0); };
    const a = first(dt), b = first(dd);
    if (a && b && Math.abs(a.bottom - b.bottom) > 3 && Math.abs(a.top - b.top) > 3) p(`tombstone: "${dt.textContent}" stands ${(b.top - a.top).toFixed(0)} px from the first line of its value`);
    const rects = [...row.getClientRects()].filter((q) => q.height > 0);
    const xs = new Set(rects.map((q) => Math.round(q.left / 50)));
    if (xs.size > 1) p(`tombstone row "${dt.textContent}" is split across columns or pages`);
  }
  return out;
}

// caseBook opens an EPUB in epub.js at a page size (paginated, as a tablet
// or e-reader shows it) and a phone size (scrolled), displays a plate (the
// first with several images, else the first with one), the list of
// plates, the colophon and the cover, runs bookChecks on each and
// screenshots it as NAME-book-SIZE-PAGE.png.
async function caseBook(ctx, pageBase, epubURL, name) {
  const problems = [];
  const detail = {};
  for (const size of [{ id: 'page', w: 820, h: 1000, flow: 'paginated' }, { id: 'phone', w: 390, h: 780, flow: 'scrolled-doc' }]) {
    const page = await ctx.newPage();
    const w = watch(page);
    await page.setViewportSize({ width: size.w + 20, height: size.h + 20 });
    await page.goto(`${pageBase}/epub.html`);
    await page.evaluate(({ w, h }) => { const r = document.getElementById('r'); r.style.width = w + 'px'; r.style.height = h + 'px'; }, size);
    const sections = await Promise.race([
      page.evaluate(async ({ url, size }) => {
        window.book = ePub(url, { openAs: 'epub' });
        await book.ready;
        window.rendition = book.renderTo('r', { width: size.w, height: size.h, flow: size.flow, spread: 'none' });
        const out = [];
        for (const item of book.spine.spineItems) {
          const doc = await item.load(book.load.bind(book));
          out.push({ href: item.href, imgs: doc.querySelectorAll('figure.plate-figure img, .plate-image img').length,
            loi: !!doc.querySelector('section[*|type~="loi"]') || /plates\.xhtml$/.test(item.href),
            colophon: !!doc.querySelector('section[*|type~="colophon"]'), cover: /cover/.test(item.href) });
          item.unload();
        }
        return out;
      }, { url: epubURL, size }),
      sleep(opts.timeout).then(() => { throw new Error(`epub.js did not open ${epubURL} within ${opts.timeout} ms`); }),
    ]);
    const plate = sections.find((s) => s.imgs > 1) || sections.find((s) => s.imgs > 0);
    const want = [['cover', sections.find((s) => s.cover)], ['plate', plate], ['plates', sections.find((s) => s.loi)], ['colophon', sections.find((s) => s.colophon)]];
    for (const [what, s] of want) {
      if (!s) { problems.push(`${size.id}: no ${what} page`); continue; }
      const res = await Promise.race([
        page.evaluate(async ({ href, narrow, checks }) => {
          await rendition.display(href);
          const c = rendition.getContents()[0];
          const imgs = [...c.document.querySelectorAll('img')];
          await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
          await c.document.fonts.ready;
          // eslint-disable-next-line no-new-func
          return new c.window.Function(`return (${checks})(${narrow})`)();
        }, { href: s.href, narrow: size.id === 'phone', checks: bookChecks.toString() }),
        sleep(opts.timeout).then(() => ({ timeout: true })),
      ]);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(opts.screens, `${name}-book-${size.id}-${what}.png`) });
      if (res.timeout) { problems.push(`${size.id}: ${what} page ${s.href} did not render`); continue; }
      detail[`${size.id}-${what}`] = { href: s.href, runs: res.runs, images: res.images, rows: res.rows };
      for (const m of res.problems) problems.push(`${size.id} ${what} (${s.href}): ${m}`);
      if (what === 'plate' && res.images.length < 1) problems.push(`${size.id}: plate page ${s.href} shows no image`);
      if (res.runs < 1) problems.push(`${size.id}: ${what} page ${s.href}: no text read back`);
    }
    problems.push(...w.errors);
    await page.close();
  }
  return { problems, detail };
}

async function caseIndex(ctx, judgePage, indexURL, plates, name) {
  const page = await ctx.newPage();
  const w = watch(page);
  const problems = [];
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(indexURL);
  await page.waitForLoadState('load');
  // Bring every lazily loaded thumbnail in.
  await page.evaluate(async () => {
    for (const i of document.querySelectorAll('img')) { i.loading = 'eager'; }
    window.scrollTo(0, document.body.scrollHeight);
  });
  await settle(page, w);
  const res = await page.evaluate(async () => {
    const figs = [...document.querySelectorAll('[data-plate]')];
    const imgs = [...document.querySelectorAll('img')];
    await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
    return {
      plates: figs.length,
      captions: figs.filter((f) => (f.querySelector('figcaption, .caption')?.innerText || '').trim()).length,
      withImage: figs.filter((f) => f.hasAttribute('data-no-image') || [...f.querySelectorAll('img')].some((i) => i.naturalWidth > 0)).length,
      broken: imgs.filter((i) => !(i.naturalWidth > 0)).map((i) => i.getAttribute('src')),
      zoom: figs.map((f) => f.querySelector('a[data-zoom]')?.href).filter(Boolean),
      imaged: figs.filter((f) => !f.hasAttribute('data-no-image')).length,
      links: [...document.querySelectorAll('a[data-download], a[data-manifest]')].map((a) => a.href),
    };
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(opts.screens, `${name}-index.png`), fullPage: true });
  if (plates >= 0 ? res.plates !== plates : res.plates === 0) problems.push(`index shows ${res.plates} plates, want ${plates >= 0 ? plates : 'some'}`);
  if (res.withImage !== res.plates) problems.push(`${res.plates - res.withImage} plate(s) without a shown image`);
  if (res.captions !== res.plates) problems.push(`${res.plates - res.captions} plate(s) without a caption`);
  if (res.broken.length) problems.push(`images not shown: ${res.broken.join(', ')}`);
  if (res.zoom.length !== res.imaged) problems.push(`${res.imaged - res.zoom.length} plate(s) with an image but without a deep-zoom link`);
  for (const href of res.links) {
    const r = await fetch(href, { method: 'HEAD' });
    if (!r.ok) problems.push(`link ${href}: HTTP ${r.status}`);
  }
  // The deep-zoom view of the first plate loads tiles and shows the image.
  if (res.zoom.length) {
    const zp = await ctx.newPage();
    const zw = watch(zp);
    await zp.setViewportSize({ width: 1000, height: 800 });
    await zp.goto(res.zoom[0]);
    await zp.waitForFunction(() => window.vitrineZoom && window.vitrineZoom.ready, null, { timeout: opts.timeout });
    await settle(zp, zw);
    // The whole image at first, judged against the image itself.
    const infoURL = await zp.evaluate(() => new URL(JSON.parse(document.getElementById('canvases').textContent)[0].info, location.href).href);
    const info = await fetchJSON(infoURL);
    const biggest = (info.sizes || []).slice().sort((a, b) => b.width - a.width)[0];
    const ref = biggest ? `${info.id}/full/${biggest.width},${biggest.height}/0/default.jpg` : `${info.id}/full/max/0/default.jpg`;
    const j = await judge(judgePage, (await shotAlone(await zp.$('#zoom'))).png, ref);
    if (!rendered(j)) problems.push(`deep-zoom view ${res.zoom[0]} does not show the image: ${verdict(j)}`);
    res.zoomJudge = j;
    await zp.evaluate(() => window.vitrineZoom.zoomBy(4));
    await settle(zp, zw);
    await zp.screenshot({ path: path.join(opts.screens, `${name}-index-zoom.png`) });
    const tiles = zw.responses.filter((r) => /\/\d+,\d+,\d+,\d+\/\d+,\d*\/0\/default\.jpg$/.test(r.url));
    const drawn = await zp.evaluate(() => window.vitrineZoom.drawn);
    if (!tiles.length && drawn < 1) problems.push(`deep-zoom view ${res.zoom[0]} drew nothing`);
    problems.push(...zw.errors.map((e) => `zoom view: ${e}`));
    await zp.close();
  }
  await page.close();
  return { problems: problems.concat(w.errors), detail: res };
}

// ---- main ---------------------------------------------------------------------

const srv = await startPageServer();
const pageBase = `http://127.0.0.1:${srv.address().port}`;
const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
const tasks = [];
const uvHelpers = { watch, settle, judge, rendered, verdict, shotAlone, largest, fetchJSON, opts };
// run queues a case; the queue is worked through by --jobs cases at a time,
// each in a fresh browser context.
function run(name, fn) { tasks.push({ name, fn, index: tasks.length }); }
async function runOne({ name, fn, index }) {
  const t0 = Date.now();
  const ctx = await browser.newContext({ locale: 'en-US' });
  let r;
  try {
    const judgePage = await ctx.newPage();
    await judgePage.goto(`${pageBase}/judge.html`);
    r = await fn(ctx, judgePage);
  } catch (e) {
    r = { problems: [`${e.message.split('\n')[0]}`], detail: {} };
  }
  await ctx.close().catch(() => {});
  const ok = r.problems.length === 0;
  results.push({ index, name, ok, ms: Date.now() - t0, problems: r.problems, detail: r.detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${ok ? '' : '\n  ' + r.problems.slice(0, 20).join('\n  ')}`);
}
const want = (c) => !opts.only || opts.only.has(c);

for (const m of opts.manifest) {
  const slug = m.split('/').at(-2) || 'manifest';
  if (want('mirador')) run(`${slug}-mirador`, (ctx, jp) => caseMirador(ctx, jp, pageBase, m, slug));
  if (want('tify')) run(`${slug}-tify`, (ctx, jp) => caseTify(ctx, jp, pageBase, m, slug));
  if (want('uv')) run(`${slug}-uv`, (ctx, jp) => caseUV(uvHelpers, ctx, jp, pageBase, m, slug));
  if (want('osd')) {
    run(`${slug}-osd`, async (ctx, jp) => {
      const { service } = firstImage(await fetchJSON(m));
      if (!service) throw new Error('the first canvas has no image service');
      return caseOSD(ctx, jp, pageBase, `${service}/info.json`, slug);
    });
  }
}
for (const c of opts.cases) {
  const run1 = {
    mirador: (ctx, jp) => caseMirador(ctx, jp, pageBase, c.url, c.name),
    tify: (ctx, jp) => caseTify(ctx, jp, pageBase, c.url, c.name),
    uv: (ctx, jp) => caseUV(uvHelpers, ctx, jp, pageBase, c.url, c.name),
    osd: async (ctx, jp) => {
      const { service } = firstImage(await fetchJSON(c.url));
      if (!service) throw new Error('the first canvas has no image service');
      return caseOSD(ctx, jp, pageBase, `${service}/info.json`, c.name);
    },
    epub: (ctx) => caseEPUB(ctx, pageBase, c.url, c.name),
    index: (ctx, jp) => caseIndex(ctx, jp, c.url, -1, c.name),
  }[c.viewer];
  run(`${c.name}-${c.viewer}`, run1);
}
for (const e of opts.epub) {
  const name = path.basename(e, '.epub');
  if (want('epub')) run(`${name}-epub`, (ctx) => caseEPUB(ctx, pageBase, e, name));
}
for (const b of opts.books) run(`${b.name}-book`, (ctx) => caseBook(ctx, pageBase, b.url, b.name));
for (let i = 0; i < opts.index.length; i++) {
  const u = opts.index[i];
  const name = new URL(u).pathname.split('/').filter(Boolean).at(-1)?.replace(/\.html$/, '') || 'root';
  if (want('index')) run(`${name}-index`, (ctx, jp) => caseIndex(ctx, jp, u, opts.plates[i], name));
}
try {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(opts.jobs, tasks.length) }, async () => {
    while (next < tasks.length) await runOne(tasks[next++]);
  }));
} finally {
  await browser.close();
  srv.close();
}
results.sort((a, b) => a.index - b.index);
for (const r of results) delete r.index;
fs.writeFileSync(path.join(opts.screens, 'summary.json'), JSON.stringify(results, null, 2));
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed}/${results.length} cases passed; screenshots and summary.json in ${opts.screens}`);
process.exit(failed || results.length === 0 ? 1 : 0);
