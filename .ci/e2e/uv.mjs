// Universal Viewer 4.4.0 in the end-to-end harness (run.mjs): its viewer
// page and its case, kept apart from the other viewers.
//
// UV (through manifesto.js) asks a level-0 service for what it does not
// list: the whole image 90 pixels wide for its thumbnail strip, 200 for its
// gallery, and at its full width in the "w," form for the "whole image"
// download. The case opens a manifest (Presentation 3 or 2.1), judges the
// first plate's render against the image itself, zooms to full resolution,
// goes to the next canvas and judges it, opens the gallery, and downloads
// the whole image from the download dialogue; any failed request, HTTP
// status >= 400, page error or console error fails it.

export const uvVersion = '4.4.0';

// uvConfig is the configuration vitrine's README gives for UV: the
// download dialogue offers only the whole image. With a Presentation 3
// manifest UV does not recognise the Image API 3 profile "level0" as level
// 0 (it reads the string's first character, as if profile were 2.x's
// array) and would offer "current view" and low-resolution downloads,
// which ask for regions and sizes no level-0 service has.
export const uvConfig = {
  options: { saveUserSettings: false },
  modules: {
    downloadDialogue: {
      options: { downloadCurrentViewEnabled: false, downloadWholeImageLowResEnabled: false, selectionEnabled: false },
    },
  },
};

export const uvPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>uv</title>
<link rel="stylesheet" href="/vendor/universalviewer-${uvVersion}/uv.css">
<style>html,body{margin:0;height:100%}#uv{width:100vw;height:100vh}</style></head>
<body><div id="uv" class="uv"></div>
<script src="/vendor/universalviewer-${uvVersion}/umd/UV.js"></script>
<script>
const manifest = new URLSearchParams(location.search).get('manifest');
window.uvOpened = 0;
window.uv = UV.init('uv', { iiifManifestId: manifest, canvasIndex: 0, embedded: true });
uv.on('configure', ({ cb }) => cb(Promise.resolve(${JSON.stringify(uvConfig)})));
uv.on('openseadragonExtension.open', () => { window.uvOpened++; });
window.uvViewer = () => uv.assignedContentHandler.extension.getViewer();
</script></body></html>`;

// uvPageServer answers what UV asks of its own page's origin besides its
// files: it resolves a data: URI of its own as a relative path
// ("images/data:image/gif;base64,..."), a bug of UV's that says nothing
// about the IIIF host; the page server decodes it instead of failing.
export function uvPageRequest(pathname, res) {
  const m = /^\/(?:[\w-]+\/)*images\/data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)$/.exec(decodeURIComponent(pathname));
  if (!m) return false;
  res.writeHead(200, { 'content-type': m[1] });
  res.end(Buffer.from(m[2], 'base64'));
  return true;
}

// canvases returns, for a Presentation 3 or 2.1 manifest, each canvas's
// painted image URL and image service id.
function canvases(manifest) {
  const list = manifest.items || manifest.sequences?.[0]?.canvases || [];
  return list.map((c) => {
    const body = c.items?.[0]?.items?.[0]?.body || c.images?.[0]?.resource;
    const svc = body && [body.service].flat().find((s) => s && (s.id || s['@id']));
    return { id: c.id || c['@id'], image: body && (body.id || body['@id']), service: svc && (svc.id || svc['@id']) };
  });
}

// caseUV runs Universal Viewer on manifestURL. h holds run.mjs's helpers
// (watch, settle, judge, rendered, verdict, shotAlone, largest, fetchJSON,
// opts).
export async function caseUV(h, ctx, judgePage, pageBase, manifestURL, name) {
  const { opts } = h;
  const shot = (what) => `${opts.screens}/${name}-uv${what}.png`;
  const manifest = await h.fetchJSON(manifestURL);
  const cs = canvases(manifest);
  if (cs.length < 2) throw new Error(`the manifest has ${cs.length} canvas(es); the Universal Viewer case needs two`);
  if (!cs[0].service || !cs[1].service) throw new Error('the first two canvases need an image service');
  const page = await ctx.newPage();
  const w = h.watch(page);
  const problems = [];
  const detail = {};
  try {
    await steps();
  } catch (e) {
    // What went wrong before (a failed request) says more than the
    // time-out it caused: keep both.
    problems.push(e.message.split('\n')[0]);
    await page.screenshot({ path: shot('-failed') }).catch(() => {});
  }
  await page.close();
  return { problems: problems.concat(w.errors), detail };

  async function steps() {
    const asked = (re) => [...new Set(w.responses.filter((r) => re.test(r.url)).map((r) => r.url.split('?')[0]))];
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${pageBase}/uv.html?manifest=${encodeURIComponent(manifestURL)}`);
    // UV is 11 MB of script: on a loaded machine it takes a while to start.
    await page.waitForFunction(() => window.uvOpened > 0, null, { timeout: Math.max(opts.timeout, 120000) });
    await h.settle(page, w);

    // The first plate, judged against its image.
    // UV lays its panels out after the first image opened, and may leave
    // that image wider than the view: judge the home view (the whole image
    // fitted), as for the other viewers.
    const judgeCanvas = async (c, what) => {
      await page.evaluate(() => window.uvViewer().viewport.goHome(true));
      await h.settle(page, w);
      const el = await h.largest(page, '.openseadragon-canvas');
      if (!el) { problems.push(`${what}: no OpenSeadragon canvas`); return null; }
      const j = await h.judge(judgePage, (await h.shotAlone(el)).png, c.image);
      if (!h.rendered(j)) problems.push(`${what} not rendered: ${h.verdict(j)}`);
      if (!w.responses.some((r) => r.url.startsWith(c.service + '/') && /\/default\.jpg$/.test(r.url) && r.status === 200)) {
        problems.push(`${what}: no image of ${c.service} was loaded`);
      }
      return j;
    };
    detail.first = await judgeCanvas(cs[0], 'first plate');
    await page.screenshot({ path: shot('') });

    // The thumbnail strip: UV asks for full/90, whatever "sizes" lists.
    const strip = asked(/\/full\/90,\/0\/default\.jpg/);
    detail.stripThumbs = strip.length;
    if (!strip.length) problems.push('the thumbnail strip asked for no full/90, image');
    const brokenThumbs = await page.evaluate(() => [...document.querySelectorAll('.thumbsView img, .thumb img')]
      .filter((i) => i.complete && i.getAttribute('src') && !(i.naturalWidth > 0)).map((i) => i.getAttribute('src')));
    if (brokenThumbs.length) problems.push(`thumbnails not shown: ${brokenThumbs.slice(0, 5).join(', ')}`);

    // Zoom to full resolution at the image's centre: tiles at scale factor 1.
    const info = await h.fetchJSON(cs[0].service + '/info.json');
    await page.evaluate(() => {
      const v = window.uvViewer();
      v.viewport.zoomTo(v.viewport.getMaxZoom(), null, true);
    });
    await h.settle(page, w);
    await page.screenshot({ path: shot('-zoomed') });
    const fullRes = asked(new RegExp('^' + cs[0].service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '/\\d+,\\d+,(\\d+),\\d+/(\\d+),'))
      .filter((u) => { const m = /\/\d+,\d+,(\d+),\d+\/(\d+),/.exec(u); return m && m[1] === m[2]; });
    detail.fullResolutionTiles = fullRes.length;
    const oneTile = info.width <= 512 && info.height <= 512;
    if (!oneTile && !fullRes.length) problems.push('zoomed in fully, but no tile at full resolution was loaded');

    // The next canvas.
    await page.locator('button.imageBtn.next').first().click();
    await page.waitForFunction(() => window.uvOpened > 1, null, { timeout: opts.timeout });
    await h.settle(page, w);
    detail.second = await judgeCanvas(cs[1], 'second canvas');
    await page.screenshot({ path: shot('-next') });

    // The gallery: UV asks for full/200, of every canvas in view.
    await page.locator('button.imageBtn.gallery').first().click();
    await page.waitForSelector('.iiif-gallery-component .thumb', { timeout: opts.timeout });
    await h.settle(page, w);
    const gallery = await page.evaluate(async () => {
      const imgs = [...document.querySelectorAll('.iiif-gallery-component img.thumbImage')].filter((i) => i.getAttribute('src'));
      await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
      return { thumbs: document.querySelectorAll('.iiif-gallery-component .thumb').length, shown: imgs.filter((i) => i.naturalWidth > 0).length, broken: imgs.filter((i) => !(i.naturalWidth > 0)).map((i) => i.getAttribute('src')) };
    });
    await page.screenshot({ path: shot('-gallery') });
    detail.gallery = { ...gallery, asked: asked(/\/full\/200,\/0\/default\.jpg/).length };
    if (!detail.gallery.asked) problems.push('the gallery asked for no full/200, image');
    if (!gallery.shown) problems.push(`the gallery shows no image (${gallery.thumbs} boxes)`);
    if (gallery.broken.length) problems.push(`gallery images not shown: ${gallery.broken.slice(0, 5).join(', ')}`);

    // Downloads: the dialogue must offer the whole image only, and that
    // download must be there.
    await page.locator('button.download').first().click();
    const options = 'ol.options li.option button';
    await page.waitForSelector(options, { timeout: opts.timeout });
    const offered = await page.evaluate((sel) => [...document.querySelectorAll(sel)]
      .filter((b) => b.offsetParent !== null).map((b) => b.innerText.trim()), options);
    detail.downloads = offered;
    if (offered.some((t) => /current view/i.test(t))) problems.push(`the download dialogue offers the current view, which no level-0 service can serve: ${offered.join(' | ')}`);
    const whole = page.locator(options).filter({ hasText: /whole image/i }).first();
    if (!(await whole.count())) {
      problems.push(`the download dialogue offers no whole image: ${offered.join(' | ') || 'nothing'}`);
    } else {
      const [popup] = await Promise.all([ctx.waitForEvent('page', { timeout: opts.timeout }), whole.click()]);
      const pw = h.watch(popup);
      await popup.waitForLoadState('load').catch(() => {});
      await h.settle(popup, pw);
      const url = popup.url();
      detail.download = url;
      const r = await fetch(url);
      const type = r.headers.get('content-type');
      if (!r.ok || type !== 'image/jpeg') problems.push(`whole-image download ${url}: HTTP ${r.status} ${type}`);
      if (!/\/full\/\d+,\/0\/default\.jpg$/.test(url)) problems.push(`whole-image download ${url} is not in the "w," form this check expects`);
      // (Chromium also asks the IIIF host for a favicon for the new
      // window: a console error that is no IIIF request. The download
      // itself is fetched above.)
      problems.push(...pw.errors.filter((e) => !/^console\.error: Failed to load resource/.test(e)).map((e) => `download: ${e}`));
      await popup.close();
    }
    await page.screenshot({ path: shot('-download') });
  }
}
