package model

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register decoders for header checks
	_ "image/jpeg" //
	_ "image/png"  //
	"io"
	"io/fs"
	"net/url"
	"os"
	pathpkg "path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	_ "golang.org/x/image/tiff" //
	_ "golang.org/x/image/webp" //
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	_ "github.com/vitrine-tools/vitrine/model/imagemeta" // BigTIFF headers
)

// DefaultMaxPixels is the largest image (width x height) accepted by default,
// checked from the file header before any pixel is decoded.
const DefaultMaxPixels = 300_000_000

// ValidateOptions tunes Validate.
type ValidateOptions struct {
	// MaxPixels limits width x height of every image; 0 means DefaultMaxPixels.
	MaxPixels int64
}

// ImageInfo is what Validate read from an image header.
type ImageInfo struct {
	Format        string
	Width, Height int
}

var (
	slugRe   = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	rightsRe = regexp.MustCompile(`^http://(creativecommons\.org/(licenses|publicdomain)/[a-z0-9.+-]+(/[0-9.]+)?(/[a-z-]+)?/?|rightsstatements\.org/vocab/[A-Za-z-]+/1\.0/)$`)
	dateRe   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	roles    = []string{"curator", "photographer", "author", "editor", "publisher", "provider", "lender", "contributor", "translator", "designer"}
)

// Validate checks everything Load does not: required fields, duplicates,
// references, languages, rights, dates, and every image (present, inside the
// folder, readable, an image, not too large). It returns every problem at
// once, errors and warnings, in file order, and the header of every image it
// could read, keyed by path.
func Validate(e *Exhibition, opt ValidateOptions) (Problems, map[string]ImageInfo) {
	if opt.MaxPixels == 0 {
		opt.MaxPixels = DefaultMaxPixels
	}
	v := &validator{e: e}
	infos := map[string]ImageInfo{}

	if e.Slug == "" {
		v.err("slug", "slug is missing", "add a short name for files and URLs, e.g. slug: war-victory-1953")
	} else if !slugRe.MatchString(e.Slug) {
		v.err("slug", fmt.Sprintf("slug %q may hold only a-z, 0-9 and single hyphens", e.Slug), "e.g. war-victory-1953")
	}
	if len(e.Languages) == 0 {
		v.err("languages", "languages is missing", "list the BCP 47 tags of the texts, e.g. languages: [en]")
	}
	langs := map[string]bool{}
	for i, l := range e.Languages {
		p := fmt.Sprintf("languages[%d]", i)
		if _, err := language.Parse(l); err != nil {
			v.err(p, fmt.Sprintf("%q is not a BCP 47 language tag", l), "use tags such as en, ko, ar, zh-Hant")
		}
		if langs[l] {
			v.err(p, fmt.Sprintf("language %q is listed twice", l), "list each language once")
		}
		langs[l] = true
	}
	if e.ID != "" && !isUUID(e.ID) {
		v.err("id", fmt.Sprintf("id %q is not a UUID", e.ID), "remove it to derive one from the slug, or give a UUID")
	}
	if e.Title.IsZero() {
		v.err("title", "title is missing", "add title: with the exhibition's title")
	}
	v.texts("", e, langs)
	v.rights("rights", e.Rights, true)
	for _, f := range []struct{ path, val string }{{"opening", e.Opening}, {"closing", e.Closing}} {
		if f.val != "" && !dateRe.MatchString(f.val) {
			v.err(f.path, fmt.Sprintf("%q is not a date YYYY-MM-DD", f.val), "write e.g. 2023-07-27")
		}
	}
	if e.Opening != "" && e.Closing != "" && e.Closing < e.Opening {
		v.err("closing", "the exhibition closes before it opens", "swap opening and closing")
	}
	if e.Edition != "" {
		if _, err := EditionTime(e.Edition); err != nil {
			v.err("edition", err.Error(), "write YYYY-MM-DD or an RFC 3339 time")
		}
	} else if e.Opening == "" && os.Getenv("SOURCE_DATE_EPOCH") == "" {
		// BuildTime falls back to a fixed date that would be written as
		// the bag's Bagging-Date and the EPUB's modification date.
		v.warn("edition", "there is no edition date, so the outputs are dated 2000-01-01 (the EPUB's modification date, the bag's Bagging-Date, archive entry times)", "add edition: YYYY-MM-DD with the date of this edition, or set SOURCE_DATE_EPOCH")
	}
	for _, u := range []struct{ path, val string }{{"homepage", e.Homepage}} {
		v.url(u.path, u.val)
	}
	if e.Source != nil {
		v.url("source.url", e.Source.URL)
	}
	for i, a := range e.Agents {
		p := fmt.Sprintf("agents[%d]", i)
		if a.Name.IsZero() {
			v.err(p+".name", "agent has no name", "add name:")
		}
		if len(a.Roles) == 0 {
			v.err(p+".roles", "agent has no role", "one or more of: "+strings.Join(roles, ", "))
		}
		for j, r := range a.Roles {
			if !contains(roles, r) {
				v.err(fmt.Sprintf("%s.roles[%d]", p, j), fmt.Sprintf("unknown role %q", r), "one of: "+strings.Join(roles, ", "))
			}
		}
		v.url(p+".homepage", a.Homepage)
		if a.LogoFile() {
			v.image(p+".logo", a.Logo, opt, infos)
		}
	}
	sections := map[string]int{}
	for i, s := range e.Sections {
		p := fmt.Sprintf("sections[%d]", i)
		if s.ID == "" {
			v.err(p+".id", "section has no id", "add id: (plates name their section by it)")
		} else if _, dup := sections[s.ID]; dup {
			v.err(p+".id", fmt.Sprintf("section id %q is used twice", s.ID), "give each section its own id")
		}
		sections[s.ID] = i
		if s.Title.IsZero() {
			v.err(p+".title", "section has no title", "add title:")
		}
	}
	if len(e.Plates) == 0 {
		v.err("plates", "the exhibition has no plates", "add plates: with at least one plate")
	}
	numbers, ids := map[string]int{}, map[string]int{}
	lastSection, seen := "", map[string]bool{}
	for i := range e.Plates {
		pl := &e.Plates[i]
		p := fmt.Sprintf("plates[%d]", i)
		if pl.Number == "" {
			v.err(p+".number", "plate has no number", "add number: as the source gives it, e.g. \"21a\"")
		} else if j, dup := numbers[pl.Number]; dup {
			v.err(p+".number", fmt.Sprintf("plate number %q is also used by plates[%d]", pl.Number, j), "give each plate its own number")
		} else {
			numbers[pl.Number] = i
		}
		if pl.ID != "" && !pl.idDerived {
			if !isUUID(pl.ID) {
				v.err(p+".id", fmt.Sprintf("id %q is not a UUID", pl.ID), "remove it to derive one from the number")
			} else if j, dup := ids[pl.ID]; dup {
				v.err(p+".id", fmt.Sprintf("plate id %s is also used by plates[%d]", pl.ID, j), "remove the id to derive one from the number")
			} else {
				ids[pl.ID] = i
			}
		}
		if pl.Caption.IsZero() {
			v.err(p+".caption", fmt.Sprintf("plate %s has no caption", pl.Number), "add caption:")
		}
		if pl.Section != "" {
			if _, ok := sections[pl.Section]; !ok {
				v.err(p+".section", fmt.Sprintf("section %q is not defined", pl.Section), "define it under sections: or fix the id")
			} else if pl.Section != lastSection && seen[pl.Section] {
				v.warn(p+".section", fmt.Sprintf("plate %s returns to section %q after another section", pl.Number, pl.Section), "keep a section's plates together; the catalogue follows the plate order")
			}
			seen[pl.Section] = true
		} else if len(e.Sections) > 0 {
			v.warn(p+".section", fmt.Sprintf("plate %s belongs to no section", pl.Number), "add section: with a section id")
		}
		lastSection = pl.Section
		if pl.Date.Text != "" || pl.Date.Normalized != "" {
			if pl.Date.Normalized == "" {
				_, _, err := Normalize(pl.Date.Text)
				v.warn(p+".date", fmt.Sprintf("cannot normalize the date (%v); it is kept as written", err), "add normalized: with an EDTF date such as 1951-06 or 1950~")
			} else if _, err := ParseEDTF(pl.Date.Normalized); err != nil && !errors.Is(err, ErrNoYear) {
				v.err(p+".date.normalized", err.Error(), "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY~, YYYY/YYYY, [YYYY,YYYY], YYXX (century), YYYX (decade) or XXXX (undated)")
			}
		}
		if pl.Rights != "" {
			v.rights(p+".rights", pl.Rights, false)
		}
		if len(pl.Images) == 0 && len(pl.Attachments) == 0 {
			v.warn(p+".images", fmt.Sprintf("plate %s has no image", pl.Number), "add images: - path: file.jpg; the outputs show the caption only")
		}
		for j, im := range pl.Images {
			v.image(fmt.Sprintf("%s.images[%d].path", p, j), im.Path, opt, infos)
		}
		for j, a := range pl.Attachments {
			v.attachment(fmt.Sprintf("%s.attachments[%d].path", p, j), a.Path)
		}
	}
	if e.Cover != "" {
		if _, ok := numbers[e.Cover]; !ok {
			v.err("cover", fmt.Sprintf("cover names plate %q, which does not exist", e.Cover), "give the number of a plate")
		}
	}
	sort.SliceStable(v.ps, func(i, j int) bool {
		a, b := v.ps[i].Pos, v.ps[j].Pos
		return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
	})
	return v.ps, infos
}

type validator struct {
	e  *Exhibition
	ps Problems
}

func (v *validator) add(sev Severity, path, msg, hint string) {
	v.ps = append(v.ps, v.e.ProblemAt(sev, path, msg, hint))
}

// ProblemAt makes a Problem about the field at path (such as
// plates[3].images[0].path), placed at that field in the exhibition file,
// or at the nearest enclosing field that has a position.
func (e *Exhibition) ProblemAt(sev Severity, path, msg, hint string) Problem {
	pos, ok := e.Positions[path]
	for p := path; !ok && p != ""; {
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
		pos, ok = e.Positions[p]
	}
	if !ok {
		pos = e.Positions[""]
	}
	return Problem{File: e.File, Pos: pos, Severity: sev, Path: path, Msg: msg, Hint: hint}
}

// ImageFields returns, for every image path of the plates, the field of
// its first mention (plates[i].images[j].path), for placing problems
// about the file.
func (e *Exhibition) ImageFields() map[string]string {
	out := map[string]string{}
	for i, pl := range e.Plates {
		for j, im := range pl.Images {
			if _, ok := out[im.Path]; !ok {
				out[im.Path] = fmt.Sprintf("plates[%d].images[%d].path", i, j)
			}
		}
	}
	return out
}

func (v *validator) err(path, msg, hint string)  { v.add(Error, path, msg, hint) }
func (v *validator) warn(path, msg, hint string) { v.add(Warning, path, msg, hint) }

func (v *validator) rights(path, r string, required bool) {
	if r == "" {
		if required {
			v.err(path, "rights is missing", "give one licence or rights statement URI, e.g. http://rightsstatements.org/vocab/UND/1.0/")
		}
		return
	}
	if !rightsRe.MatchString(r) {
		hint := "use an http:// Creative Commons or rightsstatements.org URI, e.g. http://creativecommons.org/licenses/by/4.0/ or http://rightsstatements.org/vocab/InC/1.0/"
		if strings.HasPrefix(r, "https://") {
			hint = "IIIF requires http://, not https://: write " + "http://" + strings.TrimPrefix(r, "https://")
		}
		v.err(path, fmt.Sprintf("%q is not a Creative Commons or rightsstatements.org URI", r), hint)
	}
}

func (v *validator) url(path, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.err(path, fmt.Sprintf("%q is not an http(s) URL", s), "write the full address, e.g. https://example.org/exhibition")
	}
}

// texts checks the language keys of every language map.
func (v *validator) texts(_ string, e *Exhibition, langs map[string]bool) {
	check := func(path string, keys []string) {
		for _, k := range keys {
			if _, err := language.Parse(k); err != nil {
				v.err(path+"."+k, fmt.Sprintf("%q is not a BCP 47 language tag", k), "use tags such as en, ko, ar")
			} else if len(langs) > 0 && !langs[k] {
				v.warn(path+"."+k, fmt.Sprintf("language %q is not in languages", k), "add it to languages: or fix the tag")
			}
		}
	}
	tk := func(t Text) []string { return t.Langs() }
	pk := func(p Paragraphs) []string {
		var ks []string
		for k := range p {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	check("title", tk(e.Title))
	check("subtitle", tk(e.Subtitle))
	check("summary", tk(e.Summary))
	check("credit", tk(e.Credit))
	check("introduction", pk(e.Introduction))
	for i, s := range e.Sections {
		check(fmt.Sprintf("sections[%d].title", i), tk(s.Title))
	}
	for i, p := range e.Plates {
		b := fmt.Sprintf("plates[%d]", i)
		check(b+".caption", tk(p.Caption))
		check(b+".alt", tk(p.Alt))
		check(b+".credit", tk(p.Credit))
		check(b+".description", pk(p.Description))
		for j, im := range p.Images {
			check(fmt.Sprintf("%s.images[%d].label", b, j), tk(im.Label))
			check(fmt.Sprintf("%s.images[%d].alt", b, j), tk(im.Alt))
		}
	}
}

// image checks one image reference: inside the folder, present, an image,
// and not too large, reading only its header.
func (v *validator) image(path, rel string, opt ValidateOptions, infos map[string]ImageInfo) {
	if _, done := infos[rel]; done {
		return
	}
	f, err := v.e.OpenImage(rel)
	if err != nil {
		switch {
		case errors.Is(err, ErrUnsafePath):
			v.err(path, err.Error(), "keep images inside the exhibition folder")
		case errors.Is(err, fs.ErrNotExist):
			hint := "check the file name and its case, relative to the exhibition folder"
			if near := v.e.nearName(rel); near != "" {
				hint = fmt.Sprintf("the folder has %q, the same name in another form (%s); write the path exactly as the file is named, or rename the file", near, nameDiff(rel, near))
			}
			v.err(path, fmt.Sprintf("image %q not found in %s", rel, v.e.Dir), hint)
		default:
			v.err(path, fmt.Sprintf("cannot open image %q: %v", rel, err), "check the file's permissions")
		}
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		v.err(path, fmt.Sprintf("%q is a folder, not an image", rel), "name an image file")
		return
	}
	if st, err := f.Stat(); err == nil && st.Size() == 0 {
		v.err(path, fmt.Sprintf("%q is empty (0 bytes)", rel), "copy the image again from its source; the copy or download did not finish")
		return
	}
	// Before DecodeConfig: a camera raw file is a TIFF whose first image is
	// often a small preview, which would pass for the photograph.
	if st, err := f.Stat(); err == nil {
		if ff, ok := SniffForeign(f, st.Size()); ok {
			v.err(path, ff.Error(rel), ff.Hint)
			return
		}
	}
	br := bufio.NewReader(f)
	cfg, format, err := image.DecodeConfig(headerReader{br, f})
	if err != nil {
		v.err(path, fmt.Sprintf("%q is not a readable image (%v)", rel, err), "give a JPEG, PNG or TIFF file; re-export it if it is damaged")
		return
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		v.err(path, fmt.Sprintf("%q has no pixels (%dx%d)", rel, cfg.Width, cfg.Height), "re-export the image")
		return
	}
	if int64(cfg.Width)*int64(cfg.Height) > opt.MaxPixels {
		v.err(path, fmt.Sprintf("%q is %dx%d = %d pixels, more than the limit of %d", rel, cfg.Width, cfg.Height, int64(cfg.Width)*int64(cfg.Height), opt.MaxPixels), "reduce the image or raise --max-pixels")
		return
	}
	if ext := strings.ToLower(pathpkg.Ext(rel)); !extFits(ext, format) {
		v.warn(path, fmt.Sprintf("%q is a %s file but its name ends in %s", rel, strings.ToUpper(format), ext), fmt.Sprintf("rename it to end in .%s so that other programs open it as what it is", extFor(format)))
	}
	infos[rel] = ImageInfo{Format: format, Width: cfg.Width, Height: cfg.Height}
}

// headerReader lets image.DecodeConfig sniff the format from a buffered
// reader (Peek) while the TIFF decoder, which reads a whole stream into
// memory unless it can read at offsets, reads only the header through
// ReadAt: checking a folder of 80 MB TIFFs then reads kilobytes, not the
// files.
type headerReader struct {
	*bufio.Reader
	io.ReaderAt
}

// extFits says whether a file name's extension (lower case, with its dot)
// names the format image.DecodeConfig found.
func extFits(ext, format string) bool {
	switch format {
	case "jpeg":
		return ext == ".jpg" || ext == ".jpeg" || ext == ".jpe" || ext == ".jfif"
	case "tiff":
		return ext == ".tif" || ext == ".tiff"
	default:
		return ext == "."+format
	}
}

// extFor is the usual extension of a decoded format.
func extFor(format string) string {
	switch format {
	case "jpeg":
		return "jpg"
	case "tiff":
		return "tif"
	}
	return format
}

// nearName looks in rel's folder for a file whose name differs from rel's
// only by Unicode normalization (NFD names from macOS) or letter case, and
// returns its path relative to the exhibition folder, or "".
func (e *Exhibition) nearName(rel string) string {
	dir, base := pathpkg.Split(rel)
	entries, err := os.ReadDir(filepath.Join(e.Dir, filepath.FromSlash(dir)))
	if err != nil {
		return ""
	}
	want := norm.NFC.String(base)
	for _, en := range entries {
		if n := en.Name(); n != base && strings.EqualFold(norm.NFC.String(n), want) {
			return dir + n
		}
	}
	return ""
}

// nameDiff says how two names that nearName matched differ.
func nameDiff(a, b string) string {
	if norm.NFC.String(a) == norm.NFC.String(b) {
		return "its accented letters are stored decomposed, as macOS writes them, or the other way round"
	}
	return "letters in another case"
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func isUUID(s string) bool {
	return regexp.MustCompile(`^(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`).MatchString(s)
}
