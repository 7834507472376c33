// Package site is the site exporter: static index pages that let a person
// look at what a build made, on any static host or under `vitrine serve`.
//
// It writes, into OUT:
//
//	index.html                 every exhibition built into OUT
//	<slug>/index.html          the exhibition: title, links to the IIIF
//	                           manifest, the EPUB and the bag, and every
//	                           plate with its thumbnail and caption
//	<slug>/zoom.html           a deep-zoom view of one canvas (?canvas=N),
//	                           drawn from the level-0 tiles by zoom.js
//	<slug>/zoom.js, vitrine.css
//	<slug>/site.json           what index.html needs to list the exhibition
//
// Thumbnails and zoom views come from the IIIF output, read back from the
// staged manifest: the site exporter must run after the iiif exporter. The
// pages link with relative URLs, so OUT can be moved to any host; the IIIF
// ids inside the manifest keep the build's --base-url.
package site

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

//go:embed assets/zoom.js
var zoomJS []byte

//go:embed assets/vitrine.css
var css []byte

// Exporter writes the index pages.
type Exporter struct{}

var _ exporters.Exporter = (*Exporter)(nil)

// New returns the site exporter.
func New() *Exporter { return &Exporter{} }

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "site" }

// Reserved are the top-level names of OUT that other formats use: an
// exhibition slug cannot be one of them.
var Reserved = []string{"epub", "iiif", "bags", "index.html"}

// ErrSlug is returned for a slug that would overwrite another product.
var ErrSlug = errors.New("slug collides with another output")

// Info is the content of <slug>/site.json: what OUT/index.html lists.
type Info struct {
	Slug   string            `json:"slug"`
	Lang   string            `json:"lang"`
	Title  map[string]string `json:"title"`
	Plates int               `json:"plates"`
}

// Export implements exporters.Exporter.
func (e *Exporter) Export(ctx context.Context, b *exporters.Build) error {
	ex := b.Exhibition
	for _, r := range Reserved {
		if ex.Slug == r {
			return fmt.Errorf("site: %w: the pages of exhibition %q would go to OUT/%s, which holds the %s output; change the exhibition's slug", ErrSlug, ex.Slug, r, r)
		}
	}
	canvases, err := readCanvases(b)
	if err != nil {
		return err
	}
	p, err := newPage(b, canvases)
	if err != nil {
		return err
	}
	slug := ex.Slug
	if err := b.Out.Product(slug); err != nil {
		return err
	}
	if err := b.Out.Product("index.html"); err != nil {
		return err
	}
	if err := render(b, slug+"/index.html", exhibitionTmpl, p); err != nil {
		return err
	}
	if err := render(b, slug+"/zoom.html", zoomTmpl, p); err != nil {
		return err
	}
	if err := b.Out.WriteFile(slug+"/zoom.js", zoomJS); err != nil {
		return err
	}
	if err := b.Out.WriteFile(slug+"/vitrine.css", css); err != nil {
		return err
	}
	info := Info{Slug: slug, Lang: ex.Lang(), Title: ex.Title, Plates: len(ex.Plates)}
	j, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	if err := b.Out.WriteFile(slug+"/site.json", append(j, '\n')); err != nil {
		return err
	}
	all, err := listed(b.Out.Dir(), info)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return render(b, "index.html", rootTmpl, rootPage{Lang: ex.Lang(), Exhibitions: all})
}

// listed returns the exhibitions already in OUT (read from their
// site.json) with cur added or replaced, sorted by slug.
func listed(out string, cur Info) ([]rootEntry, error) {
	names, err := filepath.Glob(filepath.Join(out, "*", "site.json"))
	if err != nil {
		return nil, err
	}
	infos := map[string]Info{cur.Slug: cur}
	for _, n := range names {
		if strings.HasPrefix(filepath.Base(filepath.Dir(n)), ".") {
			continue
		}
		raw, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var in Info
		if err := json.Unmarshal(raw, &in); err != nil || in.Slug == "" {
			continue // not ours; leave it out of the list
		}
		if _, ok := infos[in.Slug]; !ok {
			infos[in.Slug] = in
		}
	}
	var entries []rootEntry
	for _, in := range infos {
		entries = append(entries, rootEntry{Slug: in.Slug, Lang: in.Lang, Title: model.Text(in.Title).Get(in.Lang), Plates: in.Plates})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Slug < entries[j].Slug })
	return entries, nil
}

func render(b *exporters.Build, rel string, t *template.Template, data any) error {
	f, err := b.Out.Create(rel)
	if err != nil {
		return err
	}
	if err := t.Execute(f, data); err != nil {
		f.Close()
		return fmt.Errorf("site: %s: %w", rel, err)
	}
	return f.Close()
}

// canvas is what the pages need of one IIIF canvas.
type canvas struct {
	Label     string
	Thumb     string
	ThumbW    int
	ThumbH    int
	Info      string // info.json URL, relative to the exhibition's pages
	FullImage string
}

// readCanvases reads the staged IIIF manifest of the exhibition, if the
// iiif format is part of the build.
func readCanvases(b *exporters.Build) ([]canvas, error) {
	if !b.Has("iiif") {
		return nil, nil
	}
	rel := exporters.ManifestPath(b.Exhibition.Slug)
	raw, err := fs.ReadFile(b.Out.FS(), rel)
	if err != nil {
		return nil, fmt.Errorf("site: reading the IIIF manifest (the site exporter must run after iiif): %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("site: %s: %w", rel, err)
	}
	lang := b.Exhibition.Lang()
	var out []canvas
	for i, c := range m.Items {
		cv := canvas{Label: pick(c.Label, lang)}
		if len(c.Thumbnail) > 0 {
			t := c.Thumbnail[0]
			cv.Thumb, cv.ThumbW, cv.ThumbH = local(b, t.ID), t.Width, t.Height
		}
		if len(c.Items) > 0 && len(c.Items[0].Items) > 0 {
			body := c.Items[0].Items[0].Body
			cv.FullImage = local(b, body.ID)
			if len(body.Service) > 0 {
				cv.Info = local(b, strings.TrimSuffix(body.Service[0].ID, "/")+"/info.json")
			}
			if cv.Thumb == "" {
				cv.Thumb, cv.ThumbW, cv.ThumbH = cv.FullImage, body.Width, body.Height
			}
		}
		if cv.Thumb == "" {
			return nil, fmt.Errorf("site: %s: canvas %d has neither a thumbnail nor a painting image", rel, i+1)
		}
		out = append(out, cv)
	}
	return out, nil
}

// local turns a URL under the build's base URL into one relative to
// OUT/<slug>/, so that the pages work wherever OUT is put.
func local(b *exporters.Build, u string) string {
	if rest, ok := strings.CutPrefix(u, b.BaseURL); ok {
		return "../" + rest
	}
	return u
}

// pick returns a IIIF language map's value in lang, or in "none", or the
// first language in sorted order.
func pick(m map[string][]string, lang string) string {
	for _, k := range []string{lang, "none"} {
		if v := m[k]; len(v) > 0 {
			return strings.Join(v, " ")
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := m[k]; len(v) > 0 {
			return strings.Join(v, " ")
		}
	}
	return ""
}

// manifest is the part of a IIIF Presentation 3.0 manifest the pages use.
type manifest struct {
	Items []struct {
		Label     map[string][]string `json:"label"`
		Thumbnail []struct {
			ID     string `json:"id"`
			Width  int    `json:"width"`
			Height int    `json:"height"`
		} `json:"thumbnail"`
		Items []struct {
			Items []struct {
				Body struct {
					ID      string `json:"id"`
					Width   int    `json:"width"`
					Height  int    `json:"height"`
					Service []struct {
						ID string `json:"id"`
					} `json:"service"`
				} `json:"body"`
			} `json:"items"`
		} `json:"items"`
	} `json:"items"`
}
