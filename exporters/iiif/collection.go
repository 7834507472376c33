package iiif

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/vitrine-tools/vitrine/exporters"
)

type collection struct {
	Context string  `json:"@context"`
	ID      string  `json:"id"`
	Type    string  `json:"type"`
	Label   langMap `json:"label"`
	Items   []link  `json:"items"`
}

// stored is what the collection needs from a manifest already in OUT,
// written by either version.
type stored struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	ID2       string          `json:"@id"`
	Type2     string          `json:"@type"`
	Label     json.RawMessage `json:"label"`
	Thumbnail json.RawMessage `json:"thumbnail"`
	NavDate   string          `json:"navDate"`
}

// collect makes the collection of every exhibition in OUT: the manifest
// being built (cur; nil when the exhibition has none), and every iiif/<slug>/manifest.json a previous build left in
// OUT, sorted by slug. A manifest built for another base URL is listed at
// its URL under the current one, without its thumbnail, and logged so that
// its exhibition can be rebuilt.
func collect(b *exporters.Build, cur *manifest) (*collection, error) {
	slug := b.Exhibition.Slug
	refs := map[string]link{}
	if cur != nil {
		refs[slug] = link{ID: cur.ID, Type: "Manifest", Label: cur.Label, Thumbnail: cur.Thumbnail, NavDate: cur.NavDate}
	}
	langs := map[string]bool{}
	for _, l := range b.Exhibition.Languages {
		langs[l] = true
	}
	root, err := os.OpenRoot(b.Out.Dir())
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fsys := root.FS()
	entries, err := fs.ReadDir(fsys, "iiif")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", path.Join(b.Out.Dir(), "iiif"), err)
	}
	for _, de := range entries {
		name := de.Name()
		if !de.IsDir() || name == slug || strings.HasPrefix(name, ".") {
			continue
		}
		rel := exporters.ManifestPath(name)
		data, err := fs.ReadFile(fsys, rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		var m stored
		if err == nil {
			err = json.Unmarshal(data, &m)
		}
		label := label2Map(m.Label)
		v3 := m.Type == "Manifest"
		if err == nil && (!v3 && m.Type2 != "sc:Manifest" || label == nil) {
			err = fmt.Errorf("not a IIIF Presentation 3 or 2 manifest with a label")
		}
		if err != nil {
			b.Logf("iiif: collection: leaving out %s: %v", rel, err)
			continue
		}
		ref := link{ID: b.URL(rel), Type: "Manifest", Label: label, NavDate: m.NavDate}
		id := m.ID
		if !v3 {
			id = m.ID2
		}
		if id != ref.ID {
			b.Logf("iiif: collection: %s was built with another base URL (its id is %s); build that exhibition again with --base-url %s", rel, id, b.BaseURL)
		} else if v3 && len(m.Thumbnail) > 0 {
			_ = json.Unmarshal(m.Thumbnail, &ref.Thumbnail)
		}
		for l := range label {
			langs[l] = true
		}
		refs[name] = ref
	}
	slugs := make([]string, 0, len(refs))
	for s := range refs {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	ls := make([]string, 0, len(langs))
	for l := range langs {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	c := &collection{
		Context: presentationContext,
		ID:      b.URL(exporters.CollectionPath()),
		Type:    "Collection",
		Label:   word("exhibitions", ls),
		Items:   []link{}, // none when no exhibition in OUT has a manifest: the spec allows it
	}
	for _, s := range slugs {
		c.Items = append(c.Items, refs[s])
	}
	return c, nil
}
