package epub

import (
	"fmt"
	"image"
	_ "image/jpeg" // derivative headers
	"os"
	pathpkg "path"
	"path/filepath"
	"slices"
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
	// Conforms is true when every image has a text alternative written
	// for it (its own, the plate's, or the plate's caption), the one thing
	// of EPUB Accessibility 1.1 / WCAG 2.1 AA an exhibition can miss; the
	// rest is the same in every book and checked by Ace in the tests.
	Conforms    bool
	CertifiedBy string

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
	Src   string // the derivative on disk, or
	Data  []byte // the image itself (a composed cover)
	Type  string // media type; "" is image/jpeg
	W, H  int
	Cover bool
}

// mediaType is the image's media type.
func (im *bookImage) mediaType() string {
	if im.Type != "" {
		return im.Type
	}
	return "image/jpeg"
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

// figure is one image on a page. Images are placed without width and
// height attributes: calibre sized such images to the attributes in one
// direction and to the stylesheet in the other, squashing them.
type figure struct {
	Src, ID    string
	Alt, Label ltext
}

type row struct {
	Label     string
	LabelLang string
	Value     ltext
	Href      string
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
	shared shared
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
	bk.Conforms = true
	if !hasAnyCreator(bk) {
		fmt.Fprintf(b.Log, "epub: warning: no agent is a curator, author, editor or publisher, so the book names no creator and reading systems will show \"Unknown\"; add one to agents: in %s\n", ex.File)
	}
	c := &composer{b: b, ex: ex, x: x, bk: bk, der: der, images: map[string]*bookImage{}}
	return bk, c.pages()
}

func (c *composer) add(file, title, tmplName string, data any) error {
	body, err := render(c.bk.RTL, tmplName, data)
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
	dates := formatDates(ex.Opening, ex.Closing, L, bk.LL)
	c.shared = c.sharedRows()

	// Cover: the cover plate's image, else one composed from the plates,
	// else a typographic cover image (cover.go).
	coverFig, err := c.cover(publisher, dates)
	if err != nil {
		return err
	}
	if err := c.add("cover.xhtml", bk.Title.S, "cover", struct {
		common
		Title, Subtitle, Publisher, Dates ltext
		Year                              string
		CoverImage                        *figure
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
		Title, Subtitle, Publisher, Credit, Dates ltext
		ParallelTitles                            []ltext
		People                                    []people
	}{cm, bk.Title, bk.Sub, publisher, bk.Credit, dates, x.others(ex.Title), ppl}); err != nil {
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
// master) and returns how a page shows it: its own alt text and label. base
// names the file, id is the plate's id on its page.
func (c *composer) figure(p *model.Plate, i int, base, id string) (placed, error) {
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
	alt, label := c.imageTexts(p, i)
	return placed{figure{Src: "../images/" + bi.Name, ID: fmt.Sprintf("%s-image-%d", id, i+1), Alt: alt, Label: label}, bi}, nil
}

// imageTexts returns the alt text and the label of image i of plate p. An
// image's own alt wins; else the plate's (or its caption, or "Plate N").
// On a plate with several images each gets its own: an image without a
// label is labelled "image i of n", and the plate's alt text is followed by
// the label (recto, verso, detail), so that no two images of a plate share
// an alt text.
func (c *composer) imageTexts(p *model.Plate, i int) (alt, label ltext) {
	im := p.Images[i]
	n := len(p.Images)
	label = c.x.pick(im.Label)
	if label.S == "" && n > 1 {
		label = ltext{S: fmt.Sprintf(c.bk.L.ImageOf, i+1, n), Lang: c.bk.LL}
	}
	if alt = c.x.pick(im.Alt); alt.S != "" {
		return alt, label
	}
	alt = c.x.pick(p.Alt)
	if alt.S == "" {
		// Every image needs a text alternative; the caption is the best
		// one the exhibition gives when the curator wrote no alt text.
		alt = c.x.pick(p.Caption)
		alt.S = shorten(alt.S, 150)
	}
	if alt.S == "" {
		alt = ltext{S: c.bk.L.Plate + " " + clean(p.Number), Lang: c.bk.LL}
		if c.bk.Conforms {
			fmt.Fprintf(c.b.Log, "epub: plate %s has neither alt text nor caption, so its image's text alternative is only %q and the book makes no accessibility conformance claim; add alt: to the plate in %s\n", p.Number, alt.S, c.ex.File)
		}
		c.bk.Conforms = false
	}
	if n > 1 {
		if label.Lang == alt.Lang {
			alt.S += " – " + label.S
		} else {
			alt.S += fmt.Sprintf(" (%d/%d)", i+1, n)
		}
	}
	return alt, label
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
	id := "plate-" + idSafe(p.ID, n)
	var figs []figure
	for i := range p.Images {
		f, err := c.figure(p, i, base, id)
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
	// What every plate shares (the book's credit line and rights, a note
	// on every plate) is said once, in the colophon; a plate says only
	// where it differs.
	if credit := x.pick(p.Credit); credit.S != "" && credit != c.shared.credit {
		addRow(L.Credit, credit, "")
	}
	if rights := c.ex.RightsOf(p); rights != "" && rights != c.shared.rights {
		rows = append(rows, rightsRow(L.Rights, bk.LL, bk.Lang, rights))
	}
	for _, note := range p.Notes {
		if !c.shared.notes[note] {
			addRow(L.Note, x.untagged(note), "")
		}
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
	}{cm, id, clean(p.Number), figs, x.pick(p.Caption), x.others(p.Caption), rows, x.paras(p.Description)})
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
	if c.shared.rights != "" {
		rows = append(rows, rightsRow(L.Rights, bk.LL, bk.Lang, c.shared.rights))
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
	var shared []row
	if c.shared.credit.S != "" && c.shared.credit != bk.Credit {
		shared = append(shared, row{Label: L.Credit, LabelLang: bk.LL, Value: c.shared.credit})
	}
	for _, n := range c.shared.noteList {
		shared = append(shared, row{Label: L.Note, LabelLang: bk.LL, Value: x.untagged(n)})
	}
	if err := c.add("colophon.xhtml", L.Colophon, "colophon", struct {
		common
		Title, Credit ltext
		Rows          []row
		SourceShown   bool
		Notes         []ltext
		Shared        []row
	}{cm, bk.Title, bk.Credit, rows, ex.Source != nil, notes, shared}); err != nil {
		return err
	}
	bk.TOC = append(bk.TOC, &tocEntry{Label: ltext{S: L.Colophon, Lang: bk.LL}, Href: "xhtml/colophon.xhtml"})
	bk.Landmarks = append(bk.Landmarks, landmark{"colophon", "xhtml/colophon.xhtml", L.Colophon})
	return nil
}

// formatDates writes the exhibition's run ("9 May – 30 June 2025") for the
// cover and title page in the words of the labels L (marked with ll, the
// labels' language when it is not the book's); labels without month names
// write numeric dates (Korean: "2025. 5. 9. – 2025. 6. 30.").
func formatDates(open, close string, L labels, ll string) ltext {
	parse := func(s string) (time.Time, bool) {
		t, err := time.Parse("2006-01-02", s)
		return t, err == nil
	}
	o, okO := parse(open)
	cl, okC := parse(close)
	numeric := len(L.Months) != 12
	one := func(t time.Time, year bool) string {
		if numeric {
			return fmt.Sprintf("%d. %d. %d.", t.Year(), t.Month(), t.Day())
		}
		s := fmt.Sprintf(L.DayMonth, t.Day(), L.Months[t.Month()-1])
		if year {
			s = fmt.Sprintf(L.MonthYear, s, t.Year())
		}
		return s
	}
	var s string
	switch {
	case okO && okC:
		s = one(o, o.Year() != cl.Year() || numeric) + " – " + one(cl, true)
	case okO:
		s = one(o, true)
	case okC:
		s = "– " + one(cl, true)
	}
	if s == "" {
		return ltext{}
	}
	return ltext{S: s, Lang: ll}
}

// shared is what every plate of the book has in common, said once in the
// colophon instead of on every plate.
type shared struct {
	credit   ltext  // the credit line of every plate (the book's, or one all plates repeat)
	rights   string // the rights of every plate without its own
	notes    map[string]bool
	noteList []string // the notes every plate has, in the order of the first plate
}

// sharedRows finds what every plate has in common: the book's rights (a
// plate with other rights says so), the book's credit line or else a credit
// every plate repeats, and the notes on every plate of a book with more
// than one plate.
func (c *composer) sharedRows() shared {
	ex := c.ex
	sh := shared{credit: c.bk.Credit, rights: ex.Rights, notes: map[string]bool{}}
	if sh.credit.S == "" && len(ex.Plates) > 1 {
		first := c.x.pick(ex.Plates[0].Credit)
		same := first.S != ""
		for i := range ex.Plates {
			same = same && c.x.pick(ex.Plates[i].Credit) == first
		}
		if same {
			sh.credit = first
		}
	}
	if len(ex.Plates) > 1 {
		for _, n := range ex.Plates[0].Notes {
			every := true
			for i := range ex.Plates[1:] {
				every = every && slices.Contains(ex.Plates[i+1].Notes, n)
			}
			if every && !sh.notes[n] {
				sh.notes[n] = true
				sh.noteList = append(sh.noteList, n)
			}
		}
	}
	return sh
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
