package iiif

import (
	"encoding/json"
	"sort"
)

// Presentation 2.1 and Image API 2 output (--iiif-version 2), for viewers
// that read no version 3 (Mirador 2, Universal Viewer 2, older IIIF
// plug-ins). It is made from the version 3 manifest, so both versions carry
// the same texts, and from the same cached image files under Image API 2
// names.

const (
	presentationContext2 = "http://iiif.io/api/presentation/2/context.json"
	imageContext2        = "http://iiif.io/api/image/2/context.json"
	level0v2             = "http://iiif.io/api/image/2/level0.json"
)

type imageInfo2 struct {
	Context  string     `json:"@context"`
	ID       string     `json:"@id"`
	Protocol string     `json:"protocol"`
	Width    int        `json:"width"`
	Height   int        `json:"height"`
	Profile  []string   `json:"profile"`
	Sizes    []size     `json:"sizes"`
	Tiles    []tileInfo `json:"tiles"`
}

// value2 is a 2.1 language-tagged string.
type value2 struct {
	Value    string `json:"@value"`
	Language string `json:"@language,omitempty"`
}

// text2 turns a language map into a 2.1 value: a plain string when it has
// one language (what older viewers read best), else a list of tagged
// strings sorted by language.
func text2(m langMap) any {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 1 {
		return m[keys[0]][0]
	}
	var out []value2
	for _, k := range keys {
		v := value2{Value: m[k][0]}
		if k != "none" {
			v.Language = k
		}
		out = append(out, v)
	}
	return out
}

type manifest2 struct {
	Context          string      `json:"@context"`
	ID               string      `json:"@id"`
	Type             string      `json:"@type"`
	Label            any         `json:"label"`
	Description      any         `json:"description,omitempty"`
	Metadata         []keyValue2 `json:"metadata,omitempty"`
	Attribution      any         `json:"attribution,omitempty"`
	License          string      `json:"license,omitempty"`
	Logo             string      `json:"logo,omitempty"`
	Related          []link2     `json:"related,omitempty"`
	Rendering        []link2     `json:"rendering,omitempty"`
	SeeAlso          []link2     `json:"seeAlso,omitempty"`
	Within           string      `json:"within,omitempty"`
	Thumbnail        *image2     `json:"thumbnail,omitempty"`
	NavDate          string      `json:"navDate,omitempty"`
	ViewingHint      string      `json:"viewingHint,omitempty"`
	ViewingDirection string      `json:"viewingDirection,omitempty"`
	Sequences        []sequence2 `json:"sequences"`
	Structures       []range2    `json:"structures,omitempty"`
}

type keyValue2 struct {
	Label any `json:"label"`
	Value any `json:"value"`
}

type link2 struct {
	ID     string `json:"@id"`
	Label  any    `json:"label,omitempty"`
	Format string `json:"format,omitempty"`
}

type image2 struct {
	ID      string    `json:"@id"`
	Type    string    `json:"@type,omitempty"`
	Format  string    `json:"format,omitempty"`
	Width   int       `json:"width,omitempty"`
	Height  int       `json:"height,omitempty"`
	Label   any       `json:"label,omitempty"`
	Service *service2 `json:"service,omitempty"`
}

type service2 struct {
	Context string `json:"@context"`
	ID      string `json:"@id"`
	Profile string `json:"profile"`
}

type sequence2 struct {
	ID          string    `json:"@id"`
	Type        string    `json:"@type"`
	StartCanvas string    `json:"startCanvas,omitempty"`
	Canvases    []canvas2 `json:"canvases"`
}

type canvas2 struct {
	ID          string        `json:"@id"`
	Type        string        `json:"@type"`
	Label       any           `json:"label"`
	Description any           `json:"description,omitempty"`
	Metadata    []keyValue2   `json:"metadata,omitempty"`
	Attribution any           `json:"attribution,omitempty"`
	License     string        `json:"license,omitempty"`
	Width       int           `json:"width"`
	Height      int           `json:"height"`
	Thumbnail   *image2       `json:"thumbnail,omitempty"`
	Rendering   []link2       `json:"rendering,omitempty"`
	Images      []annotation2 `json:"images"`
}

type annotation2 struct {
	ID         string `json:"@id"`
	Type       string `json:"@type"`
	Motivation string `json:"motivation"`
	Resource   image2 `json:"resource"`
	On         string `json:"on"`
}

type range2 struct {
	ID          string   `json:"@id"`
	Type        string   `json:"@type"`
	Label       any      `json:"label"`
	ViewingHint string   `json:"viewingHint,omitempty"`
	Ranges      []string `json:"ranges,omitempty"`
	Canvases    []string `json:"canvases,omitempty"`
}

type collection2 struct {
	Context   string  `json:"@context"`
	ID        string  `json:"@id"`
	Type      string  `json:"@type"`
	Label     any     `json:"label"`
	Manifests []link3 `json:"manifests"`
}

type link3 struct {
	ID    string `json:"@id"`
	Type  string `json:"@type"`
	Label any    `json:"label"`
}

func metadata2(rows []keyValue) []keyValue2 {
	var out []keyValue2
	for _, r := range rows {
		out = append(out, keyValue2{Label: text2(r.Label), Value: text2(r.Value)})
	}
	return out
}

func image2Of(r resource) *image2 {
	im := &image2{ID: r.ID, Type: "dctypes:Image", Format: r.Format, Width: r.Width, Height: r.Height, Label: text2(r.Label)}
	if len(r.Service) > 0 {
		im.Service = &service2{Context: imageContext2, ID: r.Service[0].ID, Profile: level0v2}
	}
	return im
}

func firstImage2(rs []resource) *image2 {
	if len(rs) == 0 {
		return nil
	}
	return image2Of(rs[0])
}

func links2(ls []link) []link2 {
	var out []link2
	for _, l := range ls {
		out = append(out, link2{ID: l.ID, Label: text2(l.Label), Format: l.Format})
	}
	return out
}

// v2 converts the version 3 manifest m to Presentation 2.1.
func (mb *manifestBuilder) v2(m *manifest) *manifest2 {
	out := &manifest2{
		Context: presentationContext2, ID: m.ID, Type: "sc:Manifest",
		Label: text2(m.Label), Description: text2(m.Summary), Metadata: metadata2(m.Metadata),
		License: m.Rights, Related: links2(m.Homepage), Rendering: links2(m.Rendering), SeeAlso: links2(m.SeeAlso),
		Thumbnail: firstImage2(m.Thumbnail), NavDate: m.NavDate, ViewingDirection: m.ViewingDirection,
	}
	if m.RequiredStatement != nil {
		out.Attribution = text2(m.RequiredStatement.Value)
	}
	for _, p := range m.Provider {
		if len(p.Logo) > 0 {
			out.Logo = p.Logo[0].ID
			break
		}
	}
	if len(m.PartOf) > 0 {
		out.Within = m.PartOf[0].ID
	}
	if len(m.Behavior) > 0 {
		out.ViewingHint = m.Behavior[0]
	}
	seq := sequence2{ID: mb.url("sequence/normal"), Type: "sc:Sequence", Canvases: []canvas2{}}
	if m.Start != nil {
		seq.StartCanvas = m.Start.ID
	}
	for _, c := range m.Items {
		c2 := canvas2{
			ID: c.ID, Type: "sc:Canvas", Label: text2(c.Label), Description: text2(c.Summary),
			Metadata: metadata2(c.Metadata), License: c.Rights, Width: c.Width, Height: c.Height,
			Thumbnail: firstImage2(c.Thumbnail), Rendering: links2(c.Rendering),
		}
		if c.RequiredStatement != nil {
			c2.Attribution = text2(c.RequiredStatement.Value)
		}
		for _, pg := range c.Items {
			for _, a := range pg.Items {
				c2.Images = append(c2.Images, annotation2{ID: a.ID, Type: "oa:Annotation", Motivation: "sc:painting", Resource: *image2Of(a.Body), On: a.Target})
			}
		}
		seq.Canvases = append(seq.Canvases, c2)
	}
	out.Sequences = []sequence2{seq}
	var add func(r rng, top bool)
	add = func(r rng, top bool) {
		r2 := range2{ID: r.ID, Type: "sc:Range", Label: text2(r.Label)}
		if top {
			r2.ViewingHint = "top"
		}
		var subs []rng
		for _, it := range r.Items {
			switch x := it.(type) {
			case link:
				r2.Canvases = append(r2.Canvases, x.ID)
			case rng:
				r2.Ranges = append(r2.Ranges, x.ID)
				subs = append(subs, x)
			}
		}
		out.Structures = append(out.Structures, r2)
		for _, s := range subs {
			add(s, false)
		}
	}
	for _, r := range m.Structures {
		add(r, true)
	}
	return out
}

// collectionV2 converts the collection to Presentation 2.1.
func collectionV2(c *collection) *collection2 {
	out := &collection2{Context: presentationContext2, ID: c.ID, Type: "sc:Collection", Label: text2(c.Label), Manifests: []link3{}}
	for _, it := range c.Items {
		out.Manifests = append(out.Manifests, link3{ID: it.ID, Type: "sc:Manifest", Label: text2(it.Label)})
	}
	return out
}

// label2Map reads a label written by either version: a language map (3),
// a string, or a list of tagged strings (2.1).
func label2Map(raw json.RawMessage) langMap {
	var m langMap
	if json.Unmarshal(raw, &m) == nil && len(m) > 0 {
		return m
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return langMap{"none": {s}}
	}
	var vs []value2
	if json.Unmarshal(raw, &vs) == nil && len(vs) > 0 {
		m = langMap{}
		for _, v := range vs {
			k := v.Language
			if k == "" {
				k = "none"
			}
			m[k] = append(m[k], v.Value)
		}
		return m
	}
	return nil
}
