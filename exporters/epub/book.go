package epub

import (
	"fmt"
	"image"
	_ "image/jpeg" // derivative headers
	"os"
	pathpkg "path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// book is the whole catalogue in one language, before it is written: the
// pages in reading order with their bodies, the images, the table of
// contents, the landmarks and the metadata. compose builds it from the
// exhibition; assemble (go-epub) and fixup write it.
type book struct {
	Lang   string // the book's language
	Langs  []string
	RTL    bool
	L      labels
	LL     string // lang attribute for labels: "" or "en" when falling back
	ID     string // urn:uuid:...
	Title  ltext
	Sub    ltext
	Desc   ltext
	Credit ltext
	Rights string
	Date   string // dc:date, YYYY-MM-DD
	Time   time.Time
	Agents []bookAgent
	Subj   []string
	Source string

	Pages     []*page
	Images    []*bookImage
	TOC       []*tocEntry
	Landmarks []landmark
	CSS       []byte
}

// page is one XHTML page, named by File in EPUB/xhtml/.
type page struct {
	File  string
	Title string
	Body  string
}

// bookImage is one image file in EPUB/images/, read from the asset store.
type bookImage struct {
	Name  string // plate-001-1.jpg
	Src   string // the derivative on disk
	W, H  int
	Cover bool
}

type tocEntry struct {
	Label    ltext
	Href     string // relative to the package document: xhtml/plate-001.xhtml
	Children []*tocEntry
}

type landmark struct {
	Type, Href, Label string
}

type bookAgent struct {
	Name   ltext
	Others []ltext
	Roles  []string
}

// page data shared by the templates.
type common struct {
	L  labels
	LL string
}

type figure struct {
	Src        string
	Alt, Label ltext
	W, H       int
}

type row struct {
	Label     string
	LabelLang string
	Value     ltext
	Href      string
	After     string // shown after the value, e.g. the URI of a named licence
}

type plateRef struct {
	File, Number string
	Short, Date  ltext
}

// composer holds what compose needs while it walks the exhibition.
type composer struct {
	b      *exporters.Build
	ex     *model.Exhibition
	x      texts
	bk     *book
	der    assets.Deriver
	images map[string]*bookImage // by master path
}

// compose builds the catalogue in lang. der is the deriver whose files are
// the book's images.
func compose(b *exporters.Build, lang string, der assets.Deriver, css []byte) (*book, error) {
	ex := b.Exhibition
	x := newTexts(ex, lang)
	L := labelsFor(lang)
	bk := &book{
		Lang: lang, RTL: isRTL(lang), L: L, ID: ex.URN(), Time: b.Time, CSS: css,
		Rights: ex.Rights, Subj: ex.Subjects,
	}
	if L.Lang != strings.ToLower(strings.SplitN(lang, "-", 2)[0]) {
		bk.LL = L.Lang
	}
	bk.Langs = x.order
	bk.Title = x.pick(ex.Title)
	bk.Sub = x.pick(ex.Subtitle)
	bk.Desc = x.pick(ex.Summary)
	bk.Credit = x.pick(ex.Credit)
	bk.Date = b.Time.UTC().Format("2006-01-02")
	if t, err := model.EditionTime(ex.Edition); err == nil && ex.Edition != "" {
		bk.Date = t.Format("2006-01-02")
	}
	for _, a := range ex.Agents {
		bk.Agents = append(bk.Agents, bookAgent{Name: x.pick(a.Name), Others: x.others(a.Name), Roles: a.Roles})
	}
	if ex.Source != nil {
		bk.Source = ex.Source.URL
		if bk.Source == "" {
			bk.Source = x.pick(ex.Source.Title).S
		}
	}
	if bk.Title.S == "" {
		return nil, fmt.Errorf("the exhibition has no title: add title: to %s", ex.File)
	}
	c := &composer{b: b, ex: ex, x: x, bk: bk, der: der, images: map[string]*bookImage{}}
	return bk, c.pages()
}

func (c *composer) add(file, title, tmplName string, data any) error {
	body, err := render(tmplName, data)
	if err != nil {
		return fmt.Errorf("page %s: %w", file, err)
	}
	title = strings.TrimSpace(title)
	if title == "" {
		// An empty <title> is an epubcheck error; every page has one.
		title = c.bk.Title.S
	}
	c.bk.Pages = append(c.bk.Pages, &page{File: file, Title: title, Body: body})
	return nil
}

// pages composes every page in reading order: cover, title page, (the
// navigation document is placed after it by fixup), introduction, plates
// without a section, each section followed by its plates, the list of
// plates, the colophon.
func (c *composer) pages() error {
	ex, x, bk, L := c.ex, c.x, c.bk, c.bk.L
	cm := common{L: L, LL: bk.LL}
	publisher := ltext{}
	if ps := ex.AgentsWithRole("publisher"); len(ps) > 0 {
		publisher = x.pick(ps[0].Name)
	}
	dates := formatDates(ex.Opening, ex.Closing, c.bk.Lang)

	// Cover: typographic, with the named plate's first image.
	var coverFig *figure
	if ex.Cover != "" {
		p := ex.PlateByNumber(ex.Cover)
		if p == nil {
			return fmt.Errorf("cover: no plate numbered %q; set cover: to a plate number of %s", ex.Cover, ex.File)
		}
		if len(p.Images) == 0 {
			fmt.Fprintf(c.b.Log, "epub: cover plate %s has no image; the cover is typographic only\n", p.Number)
		} else {
			f, err := c.figure(p, 0, "cover")
			if err != nil {
				return err
			}
			f.img.Cover = true
			coverFig = &f.figure
		}
	}
	if err := c.add("cover.xhtml", bk.Title.S, "cover", struct {
		common
		Title, Subtitle, Publisher ltext
		Dates, Year                string
		CoverImage                 *figure
	}{cm, bk.Title, bk.Sub, publisher, dates, bk.Date[:4], coverFig}); err != nil {
		return err
	}
	bk.Landmarks = append(bk.Landmarks, landmark{"cover", "xhtml/cover.xhtml", L.Cover})

	// Title page.
	type people struct {
		Role  string
		Names []ltext
	}
	var ppl []people
	for _, role := range []string{"curator", "author", "editor", "photographer", "translator", "designer"} {
		var names []ltext
		for _, a := range ex.AgentsWithRole(role) {
			names = append(names, x.pick(a.Name))
		}
		if len(names) > 0 {
			ppl = append(ppl, people{L.role(role), names})
		}
	}
	if err := c.add("title-page.xhtml", L.TitlePage+": "+bk.Title.S, "titlepage", struct {
		common
		Title, Subtitle, Publisher, Credit ltext
		ParallelTitles                     []ltext
		Dates                              string
		People                             []people
	}{cm, bk.Title, bk.Sub, publisher, bk.Credit, x.others(ex.Title), dates, ppl}); err != nil {
		return err
	}
	bk.Landmarks = append(bk.Landmarks, landmark{"titlepage", "xhtml/title-page.xhtml", L.TitlePage})
	bk.Landmarks = append(bk.Landmarks, landmark{"toc", "nav.xhtml", L.Contents})

	// Introduction.
	bodyStart := ""
	if intro := x.paras(ex.Introduction); len(intro) > 0 || bk.Desc.S != "" {
		if err := c.add("introduction.xhtml", L.Introduction, "introduction", struct {
			common
			Summary ltext
			Intro   []ltext
		}{cm, bk.Desc, intro}); err != nil {
			return err
		}
		bk.TOC = append(bk.TOC, &tocEntry{Label: ltext{S: L.Introduction, Lang: bk.LL}, Href: "xhtml/introduction.xhtml"})
		bodyStart = "xhtml/introduction.xhtml"
	}

	// Plates, grouped by section.
	var refs []plateRef
	n := 0
	emitPlates := func(ps []*model.Plate, parent *[]*tocEntry) ([]plateRef, error) {
		var out []plateRef
		for _, p := range ps {
			n++
			ref, err := c.plate(p, n, cm)
			if err != nil {
				return nil, err
			}
			*parent = append(*parent, &tocEntry{Label: tocPlateLabel(L, bk.LL, ref), Href: "xhtml/" + ref.File})
			out = append(out, ref)
		}
		return out, nil
	}
	known := map[string]bool{}
	for _, s := range ex.Sections {
		known[s.ID] = true
	}
	var loose []*model.Plate
	for i := range ex.Plates {
		if p := &ex.Plates[i]; p.Section == "" || !known[p.Section] {
			loose = append(loose, p)
		}
	}
	if len(loose) > 0 && bodyStart == "" {
		bodyStart = fmt.Sprintf("xhtml/plate-%03d.xhtml", n+1)
	}
	r, err := emitPlates(loose, &bk.TOC)
	if err != nil {
		return err
	}
	refs = append(refs, r...)
	for i, s := range ex.Sections {
		file := fmt.Sprintf("section-%02d.xhtml", i+1)
		if bodyStart == "" {
			bodyStart = "xhtml/" + file
		}
		title := x.pick(s.Title)
		if title.S == "" {
			title = ltext{S: s.ID}
		}
		entry := &tocEntry{Label: title, Href: "xhtml/" + file}
		bk.TOC = append(bk.TOC, entry)
		// The section page comes before its plates; its list of plates
		// needs their file names, which follow from the running count.
		ps := ex.PlatesIn(s.ID)
		var pre []plateRef
		for j, p := range ps {
			pre = append(pre, c.ref(p, n+j+1))
		}
		if err := c.add(file, title.S, "section", struct {
			common
			ID          string
			Title       ltext
			OtherTitles []ltext
			Intro       []ltext
			Plates      []plateRef
		}{cm, strings.TrimSuffix(file, ".xhtml"), title, x.others(s.Title), x.paras(s.Introduction), pre}); err != nil {
			return err
		}
		r, err := emitPlates(ps, &entry.Children)
		if err != nil {
			return err
		}
		refs = append(refs, r...)
	}
	if bodyStart != "" {
		bk.Landmarks = append(bk.Landmarks, landmark{"bodymatter", bodyStart, bk.Title.S})
	}

	// List of plates.
	if len(refs) > 0 {
		if err := c.add("plates.xhtml", L.ListOfPlates, "plates", struct {
			common
			Plates []plateRef
		}{cm, refs}); err != nil {
			return err
		}
		bk.TOC = append(bk.TOC, &tocEntry{Label: ltext{S: L.ListOfPlates, Lang: bk.LL}, Href: "xhtml/plates.xhtml"})
		bk.Landmarks = append(bk.Landmarks, landmark{"loi", "xhtml/plates.xhtml", L.ListOfPlates})
	}
	return c.colophon(cm)
}

func tocPlateLabel(L labels, ll string, r plateRef) ltext {
	s := L.Plate + " " + r.Number
	if r.Short.S != "" {
		s += ". " + shorten(r.Short.S, 60)
	}
	lang := r.Short.Lang
	if lang == "" {
		lang = ll
	}
	return ltext{S: s, Lang: lang}
}

// ref is what lists say about plate p, the n-th in reading order.
func (c *composer) ref(p *model.Plate, n int) plateRef {
	cap := c.x.pick(p.Caption)
	cap.S = shorten(cap.S, 90)
	return plateRef{File: fmt.Sprintf("plate-%03d.xhtml", n), Number: clean(p.Number), Short: cap, Date: c.x.untagged(p.Date.Text)}
}

type placed struct {
	figure
	img *bookImage
}

// figure adds the derivative of image i of plate p to the book (once per
// master) and returns how a page shows it.
func (c *composer) figure(p *model.Plate, i int, base string) (placed, error) {
	im := p.Images[i]
	bi, ok := c.images[im.Path]
	if !ok {
		dir, files, ok := c.b.Assets.Files(im.Path, c.der)
		if !ok || len(files) == 0 {
			return placed{}, fmt.Errorf("plate %s: no e-book image was made from %s (was the build's image step skipped?)", p.Number, im.Path)
		}
		src := filepath.Join(dir, filepath.FromSlash(files[0]))
		w, h, err := jpegSize(src)
		if err != nil {
			return placed{}, fmt.Errorf("plate %s: image %s: %w", p.Number, im.Path, err)
		}
		bi = &bookImage{Name: fmt.Sprintf("%s-%d.jpg", base, i+1), Src: src, W: w, H: h}
		c.images[im.Path] = bi
		c.bk.Images = append(c.bk.Images, bi)
	}
	alt := c.x.pick(p.Alt)
	if alt.S == "" {
		// Every image needs a text alternative; the caption is the best
		// one the exhibition gives when the curator wrote no alt text.
		alt = c.x.pick(p.Caption)
		alt.S = shorten(alt.S, 150)
	}
	if alt.S == "" {
		alt = ltext{S: c.bk.L.Plate + " " + clean(p.Number), Lang: c.bk.LL}
	}
	return placed{figure{Src: "../images/" + bi.Name, Alt: alt, Label: c.x.pick(im.Label), W: bi.W, H: bi.H}, bi}, nil
}

func jpegSize(path string) (int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}

// plate composes the page of plate p, the n-th in reading order.
func (c *composer) plate(p *model.Plate, n int, cm common) (plateRef, error) {
	x, L, bk := c.x, c.bk.L, c.bk
	ref := c.ref(p, n)
	base := strings.TrimSuffix(ref.File, ".xhtml")
	var figs []figure
	for i := range p.Images {
		f, err := c.figure(p, i, base)
		if err != nil {
			return ref, err
		}
		figs = append(figs, f.figure)
	}
	var rows []row
	addRow := func(label string, v ltext, href string) {
		if strings.TrimSpace(v.S) != "" {
			rows = append(rows, row{Label: label, LabelLang: bk.LL, Value: v, Href: href})
		}
	}
	addRow(L.Number, plain(p.Number), "")
	date := x.untagged(p.Date.Text)
	if p.Date.Note != "" && date.S != "" {
		date.S += " (" + clean(p.Date.Note) + ")"
	}
	addRow(L.Date, date, "")
	addRow(L.Creator, x.untagged(p.Creator), "")
	addRow(L.Place, x.untagged(p.Place), "")
	addRow(L.Medium, x.untagged(p.Medium), "")
	addRow(L.Dimensions, x.untagged(p.Dimensions), "")
	credit := x.pick(p.Credit)
	if credit.S == "" {
		credit = bk.Credit
	}
	addRow(L.Credit, credit, "")
	if rights := c.ex.RightsOf(p); rights != "" {
		rows = append(rows, rightsRow(L.Rights, bk.LL, bk.Lang, rights))
	}
	for _, note := range p.Notes {
		addRow(L.Note, x.untagged(note), "")
	}
	for _, f := range p.Metadata {
		if strings.TrimSpace(f.Label) != "" && strings.TrimSpace(f.Value) != "" {
			rows = append(rows, row{Label: clean(f.Label), LabelLang: x.mark(x.first), Value: x.untagged(f.Value)})
		}
	}
	rows = append(rows, c.attachmentRows(p)...)
	// A <title> cannot mark a change of language, so the word "Plate"
	// is left out when the labels are not in the book's language.
	title := L.Plate + " " + clean(p.Number)
	if bk.LL != "" {
		title = clean(p.Number)
	}
	if ref.Short.S != "" {
		title += ": " + shorten(ref.Short.S, 70)
	}
	err := c.add(ref.File, title, "plate", struct {
		common
		ID, Number    string
		Figures       []figure
		Caption       ltext
		OtherCaptions []ltext
		Rows          []row
		Description   []ltext
	}{cm, "plate-" + idSafe(p.ID, n), clean(p.Number), figs, x.pick(p.Caption), x.others(p.Caption), rows, x.paras(p.Description)})
	return ref, err
}

// idSafe returns the plate's UUID for use in an id attribute (stable across
// rebuilds and reorderings), or its position when it has none.
func idSafe(id string, n int) string {
	ok := id != ""
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			ok = false
		}
	}
	if ok {
		return id
	}
	return fmt.Sprintf("%03d", n)
}

// linkable returns s when it is an http(s) URL, for an href.
func linkable(s string) string {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return s
	}
	return ""
}

func (c *composer) colophon(cm common) error {
	ex, x, bk, L := c.ex, c.x, c.bk, c.bk.L
	var rows []row
	addRow := func(label string, v ltext, href string) {
		if strings.TrimSpace(v.S) != "" {
			rows = append(rows, row{Label: label, LabelLang: bk.LL, Value: v, Href: href})
		}
	}
	for _, a := range ex.Agents {
		var roles []string
		for _, r := range a.Roles {
			roles = append(roles, L.role(r))
		}
		name := x.pick(a.Name)
		if name.S == "" {
			continue
		}
		rows = append(rows, row{Label: strings.Join(roles, ", "), LabelLang: bk.LL, Value: name, Href: linkable(a.Homepage)})
	}
	if ex.Rights != "" {
		rows = append(rows, rightsRow(L.Rights, bk.LL, bk.Lang, ex.Rights))
	}
	addRow(L.Identifier, plain(bk.ID), "")
	addRow(L.Edition, plain(bk.Date), "")
	if ex.Homepage != "" {
		addRow(L.Exhibition, plain(ex.Homepage), linkable(ex.Homepage))
	}
	if s := ex.Source; s != nil {
		v := x.pick(s.Title)
		parts := []string{}
		if v.S != "" {
			parts = append(parts, v.S)
		}
		if s.File != "" {
			parts = append(parts, clean(s.File))
		}
		if s.Retrieved != "" {
			parts = append(parts, L.Retrieved+" "+clean(s.Retrieved))
		}
		if len(parts) > 0 {
			addRow(L.Source, ltext{S: strings.Join(parts, ", "), Lang: v.Lang}, "")
		}
		if s.URL != "" {
			addRow(L.Source, plain(s.URL), linkable(s.URL))
		}
		if s.Note != "" {
			addRow(L.Note, x.untagged(s.Note), "")
		}
	}
	version := c.b.Version
	if version == "" {
		version = "dev"
	}
	addRow(L.MadeWith, ltext{S: "vitrine " + clean(version)}, "")
	var notes []ltext
	for _, n := range ex.Notes {
		notes = append(notes, x.untagged(n))
	}
	if err := c.add("colophon.xhtml", L.Colophon, "colophon", struct {
		common
		Title, Credit ltext
		Rows          []row
		SourceShown   bool
		Notes         []ltext
	}{cm, bk.Title, bk.Credit, rows, ex.Source != nil, notes}); err != nil {
		return err
	}
	bk.TOC = append(bk.TOC, &tocEntry{Label: ltext{S: L.Colophon, Lang: bk.LL}, Href: "xhtml/colophon.xhtml"})
	bk.Landmarks = append(bk.Landmarks, landmark{"colophon", "xhtml/colophon.xhtml", L.Colophon})
	return nil
}

var monthsEN = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// formatDates writes the exhibition's run ("9 May – 30 June 2025") for the
// cover and title page.
func formatDates(open, close, lang string) string {
	parse := func(s string) (time.Time, bool) {
		t, err := time.Parse("2006-01-02", s)
		return t, err == nil
	}
	o, okO := parse(open)
	cl, okC := parse(close)
	ko := strings.HasPrefix(lang, "ko")
	one := func(t time.Time, year bool) string {
		if ko {
			return fmt.Sprintf("%d. %d. %d.", t.Year(), t.Month(), t.Day())
		}
		s := fmt.Sprintf("%d %s", t.Day(), monthsEN[t.Month()-1])
		if year {
			s += fmt.Sprintf(" %d", t.Year())
		}
		return s
	}
	switch {
	case okO && okC:
		return one(o, o.Year() != cl.Year() || ko) + " – " + one(cl, true)
	case okO:
		return one(o, true)
	case okC:
		return "– " + one(cl, true)
	}
	return ""
}

// attachmentRows names the plate's attachments (PDF, audio, video), each
// linked to its copy published with the IIIF manifest
// (exporters.AttachmentPath) when the build makes IIIF, else said to be
// in the archive. The kind ("PDF", "Audio", "Video") is in English.
func (c *composer) attachmentRows(p *model.Plate) []row {
	var rows []row
	for k, a := range p.Attachments {
		kind, ok := a.Kind()
		if !ok {
			continue
		}
		v := c.x.pick(a.Label)
		if v.S == "" {
			v = plain(pathpkg.Base(a.Path))
		}
		href := ""
		if c.b.Has("iiif") {
			href = c.b.URL(exporters.AttachmentPath(c.ex.Slug, p, k))
		} else {
			v.S += " (" + clean("in the archive copy") + ")"
		}
		label := strings.ToUpper(kind.Name[:1]) + kind.Name[1:]
		rows = append(rows, row{Label: label, LabelLang: c.x.mark("en"), Value: v, Href: href})
	}
	return rows
}
