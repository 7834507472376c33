// Package iiif is the IIIF exporter: one Presentation API 3.0 manifest per
// exhibition, a collection of every exhibition built into the same output
// folder, and an Image API 3.0 level-0 image service per image made of
// static files (tiles, listed sizes, full size), so that Mirador, Universal
// Viewer or OpenSeadragon can deep-zoom every plate from a plain web host.
//
// Layout in OUT:
//
//	iiif/collection.json                    the collection of every exhibition
//	iiif/<slug>/manifest.json               the manifest
//	iiif/<slug>/exhibition.json             the exhibition as loaded (seeAlso)
//	iiif/<slug>/images/<id>/info.json       one image service per image
//	iiif/<slug>/images/<id>/full/max/0/default.jpg, tiles and sizes,
//	    and full/{90,200,<width>},/0/default.jpg for Universal Viewer
//
// Pixels come from the shared asset store (the Pyramid and Plain derivers),
// whose cache keys do not contain the base URL: rebuilding with another
// --base-url rewrites the JSON files only. What later formats show of the
// output (the site's thumbnails and deep zoom) is handed on as typed data,
// exporters.Build.IIIF, whatever the Presentation API version written.
package iiif

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// Options are the IIIF output's settings.
type Options struct {
	// Tiles selects level-0 image services with tiles (the default); when
	// false each canvas paints a plain full-size JPEG with no service.
	Tiles bool
	// Version is the Presentation API version written: 3 (the default; 0
	// means 3) or 2, which writes Presentation 2.1 manifests and collection
	// and Image API 2 services, for older viewers.
	Version int
	// Reencode re-encodes the full-size tiles and full/max of a JPEG master
	// at Quality instead of cutting them from the master losslessly (the
	// default): smaller files when masters were saved at quality 95-100.
	Reencode bool
}

// DefaultOptions are the options of `vitrine build` without IIIF flags:
// Presentation 3.0 with level-0 tiles cut losslessly.
func DefaultOptions() Options { return Options{Tiles: true, Version: 3} }

// Exporter writes the IIIF output.
type Exporter struct {
	opt Options
}

var (
	_ exporters.Exporter = (*Exporter)(nil)
	_ exporters.Deriving = (*Exporter)(nil)
)

// New returns the iiif exporter with the options o, checked.
func New(o Options) (*Exporter, error) {
	switch o.Version {
	case 0:
		o.Version = 3
	case 2, 3:
	default:
		return nil, fmt.Errorf("--iiif-version %d: use 3 (Presentation 3.0) or 2 (Presentation 2.1)", o.Version)
	}
	return &Exporter{opt: o}, nil
}

func (e *Exporter) version() int { return e.opt.Version }

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "iiif" }

// Derivers implements exporters.Deriving.
func (e *Exporter) Derivers(b *exporters.Build) []assets.Deriver {
	return []assets.Deriver{e.deriver()}
}

func (e *Exporter) deriver() assets.Deriver {
	if e.opt.Tiles {
		return Pyramid{Reencode: e.opt.Reencode}
	}
	return Plain{}
}

// ParseVersion reads a Presentation API version as a user writes it: 3 or
// 3.0, 2 or 2.1.
func ParseVersion(s string) (int, error) {
	switch s {
	case "3", "3.0":
		return 3, nil
	case "2", "2.1":
		return 2, nil
	}
	return 0, fmt.Errorf("%q is not a IIIF Presentation API version vitrine writes: use 3 or 2", s)
}

const exhibitionFile = "exhibition.json"

// Export implements exporters.Exporter.
func (e *Exporter) Export(ctx context.Context, b *exporters.Build) error {
	ex := b.Exhibition
	dir := exporters.IIIFDir(ex.Slug)
	if err := b.Out.Product(dir); err != nil {
		return err
	}
	if err := b.Out.Product(exporters.CollectionPath()); err != nil {
		return err
	}
	mb := &manifestBuilder{b: b, ex: ex, langs: ex.Languages, dir: dir,
		images: map[string]painted{}, logos: map[string]string{}, names: map[string]*model.Plate{}}
	if len(mb.langs) == 0 {
		mb.langs = []string{ex.Lang()}
	}
	ids := imageIDs(b.Assets.Paths())
	for _, p := range b.Assets.Paths() {
		if err := ctx.Err(); err != nil {
			return err
		}
		pi, err := e.exportImage(ctx, b, dir+"/images/"+ids[p], p)
		if err != nil {
			return fmt.Errorf("image %s: %w", p, err)
		}
		pi.id = ids[p]
		mb.images[p] = pi
	}
	if err := e.copyLogos(b, mb); err != nil {
		return err
	}
	renderings, err := copyAttachments(b, ex)
	if err != nil {
		return err
	}
	mb.renderings = renderings
	man, notes := mb.build()
	for _, n := range notes {
		b.Logf("iiif: %s", n)
	}
	if len(man.Items) == 0 {
		// A Manifest must have at least one Canvas (Presentation 3.0
		// §3.3.1 items; 2.1 wants one per sequence): write none. The
		// exhibition's folder still holds exhibition.json (and replaces
		// the folder of an earlier build); the collection lists the other
		// exhibitions only; Build.IIIF has no Manifest, so the site links
		// to none.
		b.Logf("iiif: notice: %s has no image, so no IIIF manifest is written (a manifest needs at least one canvas); its plates are in the EPUB, the bag and %s", ex.Slug, dir+"/"+exhibitionFile)
		man = nil
	} else {
		var doc any = man
		if e.version() == 2 {
			doc = mb.v2(man)
		}
		if err := writeJSON(b, exporters.ManifestPath(ex.Slug), doc); err != nil {
			return err
		}
	}
	shown := &exporters.IIIF{Canvases: mb.shown}
	if man != nil {
		shown.Manifest = man.ID
	}
	b.IIIF = shown
	if err := writeJSON(b, dir+"/"+exhibitionFile, ex); err != nil {
		return err
	}
	col, err := collect(b, man)
	if err != nil {
		return err
	}
	if e.version() == 2 {
		return writeJSON(b, exporters.CollectionPath(), collectionV2(col))
	}
	return writeJSON(b, exporters.CollectionPath(), col)
}

// imageIDs gives every image path a distinct safe folder name, made from
// the path without its extension ("plates/001.jpg" → "plates-001").
func imageIDs(paths []string) map[string]string {
	ids := map[string]string{}
	used := map[string]bool{}
	for _, p := range paths {
		id := safeName(strings.TrimSuffix(p, path.Ext(p)))
		for n := 2; used[id]; n++ {
			id = fmt.Sprintf("%s~%d", safeName(strings.TrimSuffix(p, path.Ext(p))), n)
		}
		used[id] = true
		ids[p] = id
	}
	return ids
}

// exportImage copies the derivative of the image at rel from the asset
// store into OUT under svc (iiif/<slug>/images/<id>), writes its info.json,
// and returns what a canvas paints. Version 2 copies the same cached files
// under their Image API 2 names: switching versions re-encodes nothing.
func (e *Exporter) exportImage(ctx context.Context, b *exporters.Build, svc, rel string) (painted, error) {
	m := b.Assets.Master(rel)
	if m == nil {
		return painted{}, fmt.Errorf("the asset store has not read it (was the iiif deriver run?)")
	}
	d := e.deriver()
	cache, files, ok := b.Assets.Files(rel, d)
	if !ok {
		return painted{}, fmt.Errorf("the asset store has no %s derivative", d.Key())
	}
	have := map[string]bool{}
	for _, f := range files {
		have[f] = true
	}
	// copies maps each file written in OUT (relative to svc) to its file in
	// the cache.
	var copies [][2]string
	var infoJSON []byte
	pi := painted{w: m.Width, h: m.Height}
	svcURL := b.URL(svc)
	if e.opt.Tiles {
		py := newPyramid(m.Width, m.Height)
		for _, pc := range py.piecesFor(e.version()) {
			copies = append(copies, [2]string{pc.path, pc.cached})
		}
		t := thumbSize(py.Sizes)
		var info any
		if e.version() == 2 {
			srv := []service{{ID: svcURL, Type: "ImageService2", Profile: level0v2}}
			pi.body = resource{ID: svcURL + "/full/full/0/default.jpg", Type: "Image", Format: "image/jpeg", Width: m.Width, Height: m.Height, Service: srv}
			pi.thumbs = []resource{{ID: svcURL + fmt.Sprintf("/full/%d,/0/default.jpg", t.Width), Type: "Image", Format: "image/jpeg", Width: t.Width, Height: t.Height, Service: srv}}
			info = imageInfo2{
				Context: imageContext2, ID: svcURL, Protocol: "http://iiif.io/api/image",
				Width: m.Width, Height: m.Height, Profile: []string{level0v2}, Sizes: py.Sizes,
				Tiles: []tileInfo{{Width: TileSize, Height: TileSize, ScaleFactors: py.Factors}},
			}
		} else {
			srv := []service{{ID: svcURL, Type: "ImageService3", Profile: "level0"}}
			pi.body = resource{ID: svcURL + "/" + maxPath, Type: "Image", Format: "image/jpeg", Width: m.Width, Height: m.Height, Service: srv}
			pi.thumbs = []resource{{ID: svcURL + "/" + sizePath(t), Type: "Image", Format: "image/jpeg", Width: t.Width, Height: t.Height, Service: srv}}
			info = imageInfo{
				Context: imageContext, ID: svcURL, Type: "ImageService3", Protocol: "http://iiif.io/api/image",
				Profile: "level0", Width: m.Width, Height: m.Height, Sizes: py.Sizes,
				Tiles: []tileInfo{{Width: TileSize, Height: TileSize, ScaleFactors: py.Factors}},
			}
		}
		var err error
		if infoJSON, err = encodeJSON(info); err != nil {
			return pi, err
		}
	} else {
		copies = [][2]string{{"full.jpg", "full.jpg"}, {"thumb.jpg", "thumb.jpg"}}
		pi.body = resource{ID: svcURL + "/full.jpg", Type: "Image", Format: "image/jpeg", Width: m.Width, Height: m.Height}
		tw, th, err := jpegSize(filepath.Join(cache, "thumb.jpg"))
		if err != nil {
			return pi, err
		}
		pi.thumbs = []resource{{ID: svcURL + "/thumb.jpg", Type: "Image", Format: "image/jpeg", Width: tw, Height: th}}
	}
	// An image folder left by the previous build with the same stamp holds
	// exactly these files: it is carried over instead of copied again. The
	// cache folder's name is in the stamp: it changes with everything
	// that changes the files' bytes (pipeline version, codec, rights XMP).
	stamp := serviceStamp(d.Key()+" "+filepath.Base(cache), m.SHA256, infoJSON, copies)
	if cur, err := b.Out.ReadCurrent(svc + "/" + exporters.StampFile); err == nil && bytes.Equal(cur, stamp) {
		if err := b.Out.Reuse(svc); err == nil {
			return pi, nil
		}
	}
	if infoJSON != nil {
		if err := b.Out.WriteFile(svc+"/info.json", infoJSON); err != nil {
			return pi, err
		}
	}
	var fromCache [][2]string
	for _, c := range copies {
		switch {
		case have[c[1]]:
			fromCache = append(fromCache, c)
		default:
			return pi, fmt.Errorf("the cached derivative in %s lacks %s; delete the cache folder and build again", cache, c[1])
		}
	}
	err := runPool(ctx, len(fromCache), func(i int) error {
		c := fromCache[i]
		return b.Out.CopyFile(svc+"/"+c[0], filepath.Join(cache, filepath.FromSlash(c[1])))
	})
	if err != nil {
		return pi, err
	}
	// Written last: a folder with a stamp is complete.
	return pi, b.Out.WriteFile(svc+"/"+exporters.StampFile, stamp)
}

// serviceStamp identifies the contents of an image folder: the derivative
// (its parameters and the master's sha256), the info.json written (which
// holds the base URL and the API version) and the names of the files copied.
func serviceStamp(deriver, master string, info []byte, copies [][2]string) []byte {
	names := sha256.New()
	for _, c := range copies {
		fmt.Fprintf(names, "%s\t%s\n", c[0], c[1])
	}
	infoSum := sha256.Sum256(info)
	return fmt.Appendf(nil, "vitrine image folder\nderivative: %s\nmaster sha256: %s\ninfo.json sha256: %x\nfiles: %d, names sha256: %x\n",
		deriver, master, infoSum, len(copies), names.Sum(nil))
}

// thumbSize picks the canvas thumbnail among the listed sizes: the smallest
// whose longer side is at least 200 pixels, else the largest.
func thumbSize(sizes []size) size {
	for _, s := range sizes {
		if max(s.Width, s.Height) >= 200 {
			return s
		}
	}
	return sizes[len(sizes)-1]
}

type imageInfo struct {
	Context  string     `json:"@context"`
	ID       string     `json:"id"`
	Type     string     `json:"type"`
	Protocol string     `json:"protocol"`
	Profile  string     `json:"profile"`
	Width    int        `json:"width"`
	Height   int        `json:"height"`
	Sizes    []size     `json:"sizes"`
	Tiles    []tileInfo `json:"tiles"`
}

type tileInfo struct {
	Width        int   `json:"width"`
	Height       int   `json:"height"`
	ScaleFactors []int `json:"scaleFactors"`
}

// copyLogos copies each provider's logo given as a path in the exhibition
// folder into iiif/<slug>/logos/, and records its URL.
func (e *Exporter) copyLogos(b *exporters.Build, mb *manifestBuilder) error {
	used := map[string]bool{}
	for _, a := range mb.providerAgents() {
		if !a.LogoFile() || mb.logos[a.Logo] != "" {
			continue
		}
		f, err := b.Exhibition.OpenImage(a.Logo)
		if err != nil {
			return fmt.Errorf("logo of %s: %w", a.Name.Get(b.Exhibition.Lang()), err)
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("logo %s: %w", a.Logo, err)
		}
		ext := strings.ToLower(path.Ext(a.Logo))
		name := safeName(strings.TrimSuffix(a.Logo, path.Ext(a.Logo)))
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s~%d", safeName(strings.TrimSuffix(a.Logo, path.Ext(a.Logo))), n)
		}
		used[name] = true
		rel := mb.dir + "/logos/" + name + ext
		if err := b.Out.WriteFile(rel, buf.Bytes()); err != nil {
			return err
		}
		mb.logos[a.Logo] = b.URL(rel)
	}
	return nil
}

// writeJSON writes v indented, with a final newline, without escaping
// '<', '>' and '&' (they are legal in JSON and the HTML of summaries).
func writeJSON(b *exporters.Build, rel string, v any) error {
	data, err := encodeJSON(v)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	return b.Out.WriteFile(rel, data)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func jpegSize(file string) (int, int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, 0, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", file, err)
	}
	return cfg.Width, cfg.Height, nil
}
