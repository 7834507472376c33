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
// Thumbnails and zoom views show the IIIF output: the canvases the iiif
// exporter hands on through the build (exporters.Build.IIIF), so the site
// exporter must run after it. The
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
	cvs, err := canvases(b)
	if err != nil {
		return err
	}
	p, err := newPage(b, cvs)
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
	Plate  string
	Label  string
	Thumb  string
	ThumbW int
	ThumbH int
	Info   string // info.json URL, relative to the exhibition's pages
}

// canvases are the IIIF exporter's canvases (Build.IIIF) with their URLs
// made relative to the pages, if the iiif format is part of the build.
func canvases(b *exporters.Build) ([]canvas, error) {
	if !b.Has("iiif") {
		return nil, nil
	}
	if b.IIIF == nil {
		return nil, fmt.Errorf("site: the IIIF exporter has handed on no canvases; the site exporter must run after iiif")
	}
	lang := b.Exhibition.Lang()
	var out []canvas
	for _, c := range b.IIIF.Canvases {
		cv := canvas{
			Plate: c.Plate, Label: c.Label.Get(lang),
			Thumb: local(b, c.Thumb.URL), ThumbW: c.Thumb.Width, ThumbH: c.Thumb.Height,
		}
		if c.Service != "" {
			cv.Info = local(b, strings.TrimSuffix(c.Service, "/")+"/info.json")
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
