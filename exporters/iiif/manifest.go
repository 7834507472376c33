package iiif

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

// Contexts of the two APIs.
const (
	presentationContext = "http://iiif.io/api/presentation/3/context.json"
	imageContext        = "http://iiif.io/api/image/3/context.json"
)

// The JSON shapes below keep the order in which the Presentation 3.0 spec
// lists properties, so manifests read well and are byte-reproducible.

type manifest struct {
	Context           string     `json:"@context"`
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	Label             langMap    `json:"label"`
	Summary           langMap    `json:"summary,omitempty"`
	Metadata          []keyValue `json:"metadata,omitempty"`
	RequiredStatement *keyValue  `json:"requiredStatement,omitempty"`
	Rights            string     `json:"rights,omitempty"`
	Provider          []agent    `json:"provider,omitempty"`
	Homepage          []link     `json:"homepage,omitempty"`
	Rendering         []link     `json:"rendering,omitempty"`
	SeeAlso           []link     `json:"seeAlso,omitempty"`
	PartOf            []link     `json:"partOf,omitempty"`
	Thumbnail         []resource `json:"thumbnail,omitempty"`
	NavDate           string     `json:"navDate,omitempty"`
	Behavior          []string   `json:"behavior,omitempty"`
	ViewingDirection  string     `json:"viewingDirection,omitempty"`
	Start             *link      `json:"start,omitempty"`
	Items             []canvas   `json:"items"`
	Structures        []rng      `json:"structures,omitempty"`
}

type keyValue struct {
	Label langMap `json:"label"`
	Value langMap `json:"value"`
}

// link is a reference to another resource: homepage, rendering, seeAlso,
// partOf, start, and items of a Range or Collection.
type link struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Label     langMap    `json:"label,omitempty"`
	Format    string     `json:"format,omitempty"`
	Language  []string   `json:"language,omitempty"`
	Thumbnail []resource `json:"thumbnail,omitempty"`
	NavDate   string     `json:"navDate,omitempty"`
}

type agent struct {
	ID       string     `json:"id"`
	Type     string     `json:"type"`
	Label    langMap    `json:"label"`
	Homepage []link     `json:"homepage,omitempty"`
	Logo     []resource `json:"logo,omitempty"`
}

// resource is a content resource: a painted image, a thumbnail, a logo.
type resource struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Label   langMap   `json:"label,omitempty"`
	Format  string    `json:"format,omitempty"`
	Width   int       `json:"width,omitempty"`
	Height  int       `json:"height,omitempty"`
	Service []service `json:"service,omitempty"`
}

type service struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Profile string `json:"profile"`
}

type canvas struct {
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	Label             langMap    `json:"label"`
	Summary           langMap    `json:"summary,omitempty"`
	Metadata          []keyValue `json:"metadata,omitempty"`
	RequiredStatement *keyValue  `json:"requiredStatement,omitempty"`
	Rights            string     `json:"rights,omitempty"`
	NavDate           string     `json:"navDate,omitempty"`
	Width             int        `json:"width"`
	Height            int        `json:"height"`
	Thumbnail         []resource `json:"thumbnail"`
	Rendering         []link     `json:"rendering,omitempty"`
	Items             []annoPage `json:"items"`
}

type annoPage struct {
	ID    string       `json:"id"`
	Type  string       `json:"type"`
	Items []annotation `json:"items"`
}

type annotation struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	Motivation string   `json:"motivation"`
	Body       resource `json:"body"`
	Target     string   `json:"target"`
}

// rng is a Range of the table of contents. Items are links to Canvases or
// nested ranges.
type rng struct {
	ID    string  `json:"id"`
	Type  string  `json:"type"`
	Label langMap `json:"label"`
	Items []any   `json:"items"`
}

// painted is what a canvas shows: one image of a plate, as exported.
type painted struct {
	id     string // the image's safe id, its folder under images/
	w, h   int
	body   resource
	thumbs []resource
}

// manifestBuilder makes the manifest of one exhibition from the model and
// the exported images.
type manifestBuilder struct {
	b      *exporters.Build
	ex     *model.Exhibition
	langs  []string
	dir    string // iiif/<slug>
	images map[string]painted
	logos  map[string]string // agent logo path in the exhibition → URL
	names  map[string]*model.Plate
	// shown are the canvases as later exporters see them (Build.IIIF).
	shown []exporters.Canvas
	// renderings are the links to each plate's attachments, by index.
	renderings map[int][]link
}

func (m *manifestBuilder) url(rel string) string { return m.b.URL(m.dir + "/" + rel) }

func (m *manifestBuilder) row(key string, v langMap) keyValue {
	return keyValue{Label: word(key, m.langs), Value: value(v)}
}

func (m *manifestBuilder) build() (*manifest, []string) {
	ex := m.ex
	var notes []string
	man := &manifest{
		Context:          presentationContext,
		ID:               m.b.URL(exporters.ManifestPath(ex.Slug)),
		Type:             "Manifest",
		Label:            text(ex.Title),
		Rights:           ex.Rights,
		Behavior:         []string{"individuals"},
		ViewingDirection: "left-to-right",
		Items:            []canvas{},
	}
	if man.Label == nil {
		man.Label = langMap{"none": {ex.Slug}}
	}
	switch {
	case !ex.Summary.IsZero():
		man.Summary = value(text(ex.Summary))
	case !ex.Subtitle.IsZero():
		man.Summary = value(text(ex.Subtitle))
	default:
		first := model.Paragraphs{}
		for k, ps := range ex.Introduction {
			if len(ps) > 0 {
				first[k] = ps[:1]
			}
		}
		man.Summary = paragraphs(first)
	}
	man.Metadata = m.exhibitionMetadata()
	man.Provider = m.providers()
	if !ex.Credit.IsZero() {
		man.RequiredStatement = &keyValue{Label: word("credit", m.langs), Value: value(text(ex.Credit))}
	} else if len(man.Provider) > 0 {
		var names []model.Text
		for _, a := range m.providerAgents() {
			names = append(names, a.Name)
		}
		man.RequiredStatement = &keyValue{Label: word("credit", m.langs), Value: value(join(names, "; "))}
	}
	if ex.Homepage != "" {
		man.Homepage = []link{{ID: ex.Homepage, Type: "Text", Label: man.Label, Format: "text/html", Language: ex.Languages}}
	}
	if m.b.Has("epub") {
		man.Rendering = []link{{ID: m.b.URL(exporters.EPUBPath(ex.Slug)), Type: "Text", Label: word("epub", m.langs), Format: "application/epub+zip"}}
	}
	man.SeeAlso = []link{{ID: m.url(exhibitionFile), Type: "Dataset", Label: word("data", m.langs), Format: "application/json"}}
	man.PartOf = []link{{ID: m.b.URL(exporters.CollectionPath()), Type: "Collection", Label: word("exhibitions", m.langs)}}
	if t, err := time.Parse("2006-01-02", ex.Opening); err == nil {
		man.NavDate = t.UTC().Format(time.RFC3339)
	}

	canvases := map[int][]link{} // plate index → its canvases
	for i := range ex.Plates {
		p := &ex.Plates[i]
		if len(p.Images) == 0 {
			notes = append(notes, fmt.Sprintf("plate %s has no image, so it has no canvas (its text stays in exhibition.json and the EPUB)", p.Number))
			man.Rendering = append(man.Rendering, m.renderings[i]...)
			continue
		}
		for j := range p.Images {
			c := m.canvas(p, j)
			if j == 0 {
				c.Rendering = m.renderings[i]
			}
			man.Items = append(man.Items, c)
			canvases[i] = append(canvases[i], link{ID: c.ID, Type: "Canvas"})
			m.shown = append(m.shown, m.shownCanvas(p, j, c))
		}
	}
	if len(man.Items) > 0 {
		man.Start = &link{ID: man.Items[0].ID, Type: "Canvas"}
		man.Thumbnail = man.Items[0].Thumbnail
		if cp := ex.PlateByNumber(ex.Cover); cp != nil {
			for i := range ex.Plates {
				if &ex.Plates[i] == cp && len(canvases[i]) > 0 {
					man.Thumbnail = m.images[cp.Images[0].Path].thumbs
				}
			}
		}
	}
	man.Structures = m.ranges(canvases)
	return man, notes
}

// canvasID is the id of the canvas of image j of plate p; two plate numbers
// that make the same safe name ("1 a", "1-a") get distinct ids.
func (m *manifestBuilder) canvasID(p *model.Plate, j int) string {
	name := safeName(p.Number)
	if owner, ok := m.names[name]; ok && owner != p {
		for n := 2; ; n++ {
			alt := fmt.Sprintf("%s~%d", name, n)
			if owner, ok := m.names[alt]; !ok || owner == p {
				name = alt
				break
			}
		}
	}
	m.names[name] = p
	return m.url(fmt.Sprintf("canvas/%s-%d", name, j+1))
}

func (m *manifestBuilder) plateLabel(p *model.Plate) langMap {
	if p.Caption.IsZero() {
		return concat(word("plate", m.langs), langMap{"none": {" " + p.Number}})
	}
	out := langMap{}
	for k, v := range text(p.Caption) {
		out[k] = []string{p.Number + ". " + v[0]}
	}
	return out
}

func (m *manifestBuilder) canvas(p *model.Plate, j int) canvas {
	im := p.Images[j]
	pi := m.images[im.Path]
	id := m.canvasID(p, j)
	label := m.plateLabel(p)
	if len(p.Images) > 1 {
		suffix := text(im.Label)
		if suffix == nil {
			suffix = concat(word("image", m.langs), in("none", fmt.Sprintf(" %d/%d", j+1, len(p.Images))))
		}
		for k, v := range suffix {
			suffix[k] = []string{" (" + v[0] + ")"}
		}
		// A language of the caption that the image label (or vitrine's
		// word "Image") lacks still tells the canvases apart.
		for k := range label {
			if _, ok := suffix[k]; !ok {
				suffix[k] = []string{fmt.Sprintf(" (%d/%d)", j+1, len(p.Images))}
			}
		}
		label = concat(label, suffix)
	}
	body := pi.body
	if !p.Alt.IsZero() {
		body.Label = text(p.Alt)
	}
	c := canvas{
		ID: id, Type: "Canvas", Label: label,
		Summary:  paragraphs(p.Description),
		Metadata: m.plateMetadata(p),
		Rights:   p.Rights,
		Width:    pi.w, Height: pi.h,
		Thumbnail: pi.thumbs,
		Items: []annoPage{{
			ID: id + "/page", Type: "AnnotationPage",
			Items: []annotation{{ID: id + "/page/image", Type: "Annotation", Motivation: "painting", Body: body, Target: id}},
		}},
	}
	if !p.Credit.IsZero() {
		c.RequiredStatement = &keyValue{Label: word("credit", m.langs), Value: value(text(p.Credit))}
	}
	if nd, ok := p.Date.NavDate(); ok {
		c.NavDate = nd
	}
	return c
}

// shownCanvas is canvas c (image j of plate p) as Build.IIIF gives it to
// later exporters, with the URLs of the version written.
func (m *manifestBuilder) shownCanvas(p *model.Plate, j int, c canvas) exporters.Canvas {
	pi := m.images[p.Images[j].Path]
	sc := exporters.Canvas{
		Plate: p.Number, Image: p.Images[j].Path, Index: j,
		Label: model.Text{}, Width: c.Width, Height: c.Height,
		Full: exporters.ImageRef{URL: pi.body.ID, Width: pi.body.Width, Height: pi.body.Height},
	}
	for k, v := range c.Label {
		if k == "none" {
			k = ""
		}
		sc.Label[k] = strings.Join(v, " ")
	}
	if len(pi.thumbs) > 0 {
		t := pi.thumbs[0]
		sc.Thumb = exporters.ImageRef{URL: t.ID, Width: t.Width, Height: t.Height}
	} else {
		sc.Thumb = sc.Full
	}
	if len(pi.body.Service) > 0 {
		sc.Service = pi.body.Service[0].ID
	}
	return sc
}

func (m *manifestBuilder) plateMetadata(p *model.Plate) []keyValue {
	def := m.ex.Lang()
	var rows []keyValue
	add := func(key string, v langMap) {
		if v != nil {
			rows = append(rows, m.row(key, v))
		}
	}
	add("number", in("none", p.Number))
	add("date", in(def, p.Date.Text))
	if p.Date.Normalized != "" && p.Date.Normalized != p.Date.Text {
		add("datenorm", in("none", p.Date.Normalized))
	}
	add("creator", in(def, p.Creator))
	add("place", in(def, p.Place))
	add("medium", in(def, p.Medium))
	add("dimensions", in(def, p.Dimensions))
	add("credit", text(p.Credit))
	if p.Rights != "" {
		add("rights", in("none", p.Rights))
	}
	notes := append([]string(nil), p.Notes...)
	if p.Date.Note != "" {
		notes = append(notes, p.Date.Note)
	}
	for _, n := range notes {
		add("notes", in(def, n))
	}
	for _, f := range p.Metadata {
		if f.Label != "" && f.Value != "" {
			rows = append(rows, keyValue{Label: in(def, f.Label), Value: value(in(def, f.Value))})
		}
	}
	return rows
}

func (m *manifestBuilder) exhibitionMetadata() []keyValue {
	ex := m.ex
	var rows []keyValue
	var curators []model.Text
	for _, a := range ex.AgentsWithRole("curator") {
		curators = append(curators, a.Name)
	}
	if v := join(curators, "; "); v != nil {
		rows = append(rows, m.row("curators", v))
	}
	if ex.Opening != "" || ex.Closing != "" {
		rows = append(rows, m.row("dates", in("none", strings.TrimSpace(ex.Opening+" – "+ex.Closing))))
	}
	var pubs []model.Text
	for _, a := range ex.AgentsWithRole("publisher") {
		pubs = append(pubs, a.Name)
	}
	if v := join(pubs, "; "); v != nil {
		rows = append(rows, m.row("publisher", v))
	}
	if s := ex.Source; s != nil {
		var tail []string
		for _, x := range []string{s.URL, s.File} {
			if x != "" {
				tail = append(tail, x)
			}
		}
		v := text(s.Title)
		if v == nil && len(tail) > 0 {
			v = langMap{"none": {tail[0]}}
			tail = tail[1:]
		}
		if v != nil {
			out := langMap{}
			for k, x := range v {
				parts := append([]string{x[0]}, tail...)
				str := strings.Join(parts, ", ")
				if s.Retrieved != "" {
					for _, w := range word("retrieved", []string{k}) { // one entry
						str += " (" + w[0] + " " + s.Retrieved + ")"
					}
				}
				out[k] = []string{str}
			}
			rows = append(rows, m.row("source", out))
		}
		if s.Note != "" {
			rows = append(rows, m.row("notes", in(ex.Lang(), s.Note)))
		}
	}
	if len(ex.Subjects) > 0 {
		rows = append(rows, m.row("subjects", in(ex.Lang(), strings.Join(ex.Subjects, "; "))))
	}
	for _, n := range ex.Notes {
		rows = append(rows, m.row("notes", in(ex.Lang(), n)))
	}
	return rows
}

// providerAgents are the agents shown as provider: those with role
// provider or lender, else the publishers.
func (m *manifestBuilder) providerAgents() []model.Agent {
	var out []model.Agent
	for _, a := range m.ex.Agents {
		if a.HasRole("provider") || a.HasRole("lender") {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		out = m.ex.AgentsWithRole("publisher")
	}
	return out
}

func (m *manifestBuilder) providers() []agent {
	var out []agent
	for i, a := range m.providerAgents() {
		ag := agent{Type: "Agent", Label: text(a.Name)}
		if ag.Label == nil {
			ag.Label = langMap{"none": {"—"}}
		}
		if isHTTP(a.ID) {
			ag.ID = a.ID
		} else {
			ag.ID = m.url(exhibitionFile) + fmt.Sprintf("#agent-%d", i+1)
		}
		if a.Homepage != "" {
			ag.Homepage = []link{{ID: a.Homepage, Type: "Text", Label: ag.Label, Format: "text/html"}}
		}
		if a.Logo != "" {
			id := a.Logo
			if a.LogoFile() {
				id = m.logos[a.Logo]
			}
			if id != "" {
				ag.Logo = []resource{{ID: id, Type: "Image", Format: formatOf(a.Logo)}}
			}
		}
		out = append(out, ag)
	}
	return out
}

// ranges makes the table of contents: one Range per section, in section
// order, holding its plates' canvases (a plate with several images becomes
// a nested Range). Sections without any canvas are left out, since a Range
// must have items.
func (m *manifestBuilder) ranges(canvases map[int][]link) []rng {
	var out []rng
	for _, s := range m.ex.Sections {
		r := rng{ID: m.url("range/" + safeName(s.ID)), Type: "Range", Label: text(s.Title)}
		if r.Label == nil {
			r.Label = langMap{"none": {s.ID}}
		}
		for i := range m.ex.Plates {
			p := &m.ex.Plates[i]
			cs := canvases[i]
			if p.Section != s.ID || len(cs) == 0 {
				continue
			}
			if len(cs) == 1 {
				r.Items = append(r.Items, cs[0])
				continue
			}
			sub := rng{ID: m.url("range/" + safeName(s.ID) + "/" + safeName(p.Number)), Type: "Range", Label: m.plateLabel(p)}
			for _, c := range cs {
				sub.Items = append(sub.Items, c)
			}
			r.Items = append(r.Items, sub)
		}
		if len(r.Items) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// formatOf is the media type of an image file from its extension.
func formatOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".svg":
		return "image/svg+xml"
	case ".webp":
		return "image/webp"
	case ".tif", ".tiff":
		return "image/tiff"
	}
	return "image/jpeg"
}

// safeName turns a plate number, section id or file path into one URL path
// segment: letters, digits, '.', '_' and '-' are kept, every other run of
// characters becomes one '-'.
func safeName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		out = "x"
	}
	return out
}
