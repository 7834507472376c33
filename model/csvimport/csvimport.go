// Package csvimport turns a spreadsheet saved as CSV (from Excel,
// LibreOffice, Google Sheets or a collection management system) into an
// exhibition, one plate per row.
//
// The file must be UTF-8, with or without a byte order mark, with CRLF or LF
// line ends; cells may be quoted and hold commas, quotes and newlines. The
// delimiter (comma, semicolon or tab) is taken from the header row. UTF-16,
// UTF-32 and Latin-1 files are refused with an error that names the
// encoding.
//
// Header names are matched case-insensitively with common synonyms (see
// Columns); a text column may name its language as "title:ko" or
// "title [ko]". Unknown columns are kept, in order, as extra metadata of each
// plate. Every error names the line of the row and the column, and all of
// them are reported at once.
package csvimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// UndeterminedRights is the rights statement given when none is known.
const UndeterminedRights = "http://rightsstatements.org/vocab/UND/1.0/"

// Field names the plate field a column fills.
type Field string

// The plate fields a column can fill.
const (
	Number      Field = "number"
	Caption     Field = "caption"
	Creator     Field = "creator"
	Date        Field = "date"
	Medium      Field = "medium"
	Dimensions  Field = "dimensions"
	Credit      Field = "credit"
	Rights      Field = "rights"
	Images      Field = "images"
	Alt         Field = "alt"
	Description Field = "description"
	Section     Field = "section"
	Place       Field = "place"
)

// Columns maps each recognized header name (lower case, spaces collapsed)
// to its field.
var Columns = map[string]Field{
	"number": Number, "no": Number, "no.": Number, "nr": Number, "#": Number, "id": Number,
	"pid": Number, "identifier": Number, "plate": Number, "plate number": Number,
	"object number": Number, "inventory number": Number, "object no": Number, "object id": Number,
	"accession number": Number, "accession no": Number, "inventory no": Number, "inv no": Number,
	"catalogue number": Number, "catalog number": Number, "cat no": Number, "plate no": Number,
	"title": Caption, "caption": Caption, "label": Caption,
	"creator": Creator, "artist": Creator, "photographer": Creator, "maker": Creator, "author": Creator,
	"date": Date, "_date": Date, "year": Date, "date created": Date,
	"medium": Medium, "technique": Medium,
	"dimensions": Dimensions, "size": Dimensions,
	"credit": Credit, "credit line": Credit, "creditline": Credit, "credit_line": Credit,
	"rights": Rights, "license": Rights, "licence": Rights, "rights statement": Rights,
	"image": Images, "images": Images, "file": Images, "files": Images, "filename": Images,
	"file name": Images, "image file": Images, "image filename": Images, "image file name": Images,
	"image name": Images, "image files": Images, "filenames": Images, "file names": Images,
	"alt": Alt, "alt text": Alt, "alttext": Alt, "alt_text": Alt,
	"description": Description,
	"section":     Section,
	"place":       Place, "location": Place,
}

// lookupColumn finds the field of a header key (lower case, spaces
// collapsed), ignoring full stops and "_" or "-" between words, so that
// "Object No.", "object_number" and "Image-Filename" are recognized.
func lookupColumn(key string) (Field, bool) {
	if f, ok := Columns[key]; ok {
		return f, true
	}
	k := strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(key)
	k = strings.TrimSpace(spaceRe.ReplaceAllString(k, " "))
	if f, ok := Columns[k]; ok {
		return f, true
	}
	for name, f := range Columns {
		n := strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(name)
		if strings.TrimSpace(spaceRe.ReplaceAllString(n, " ")) == k {
			return f, true
		}
	}
	return "", false
}

// textFields may carry a language: "title:ko", "caption [ar]".
var textFields = map[Field]bool{Caption: true, Alt: true, Credit: true, Description: true}

var (
	langColRe = regexp.MustCompile(`^(.*?)\s*(?::|\[|\()\s*([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*)\s*[\])]?$`)
	rightsRe  = regexp.MustCompile(`^http://(creativecommons\.org/(licenses|publicdomain)/[a-z0-9.+-]+(/[0-9.]+)?(/[a-z-]+)?/?|rightsstatements\.org/vocab/[A-Za-z-]+/1\.0/)$`)
	spaceRe   = regexp.MustCompile(`\s+`)
	// sepLineRe is Excel's first line naming the delimiter: "sep=;".
	sepLineRe = regexp.MustCompile(`^(?i:sep)=([,;\t|])[ \t]*(\r?\n)`)
	// qualifierRe splits "date (circa)" into the field name and a qualifier.
	qualifierRe = regexp.MustCompile(`^(.*?)\s*(?:\(|\[)[^\])]*(?:\)|\])$`)
)

// Options tune Import.
type Options struct {
	// Title of the exhibition; default: the CSV file's name.
	Title string
	// Lang is the default language of the texts; default "en".
	Lang string
	// Slug of the exhibition; default: made from the title.
	Slug string
	// Rights of the exhibition; default UndeterminedRights. A rights
	// column overrides it per plate.
	Rights string
	// SourceFile is the CSV file's name, recorded in source.file.
	SourceFile string
	// ImagesDir is where the image names of the sheet are looked up.
	ImagesDir string
	// OutDir is the exhibition folder to be written. Images inside it are
	// referred to in place; others are to be copied into OutDir/images/.
	OutDir string
}

// Result is what Import made.
type Result struct {
	Exhibition *model.Exhibition
	Notices    []importer.Notice
	// Copies are the image files to copy into the exhibition folder.
	Copies []importer.Copy
}

// ErrInvalid is wrapped by Import's error when rows have errors.
var ErrInvalid = errors.New("the sheet has errors")

type column struct {
	header string // as written
	field  Field  // "" for extra metadata
	lang   string // for text fields
}

// Import reads a CSV sheet. On error nothing is returned but the error,
// which lists every problem with its line and column.
func Import(data []byte, opt Options) (*Result, error) {
	data, err := importer.CheckText(data)
	if err != nil {
		return nil, err
	}
	if opt.Lang == "" {
		opt.Lang = "en"
	}
	if opt.Rights == "" {
		opt.Rights = UndeterminedRights
	}
	// Excel's "sep=;" first line names the delimiter. It is blanked, not
	// cut, so that line numbers stay those of the file (the reader skips
	// empty lines).
	comma := rune(0)
	if m := sepLineRe.FindSubmatch(data); m != nil {
		comma = rune(m[1][0])
		data = data[len(m[0])-len(m[2]):]
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	if comma != 0 {
		r.Comma = comma
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: the file is empty; the first row must name the columns", ErrInvalid)
	}
	if err != nil {
		return nil, csvErr(err)
	}
	res := &Result{}
	notice := func(line int, col string, k importer.Kind, format string, args ...any) {
		res.Notices = append(res.Notices, importer.Notice{Line: line, Column: col, Kind: k, Msg: fmt.Sprintf(format, args...)})
	}
	var errs []string
	fail := func(line int, col, format string, args ...any) {
		where := fmt.Sprintf("line %d", line)
		if col != "" {
			where += fmt.Sprintf(", column %q", col)
		}
		errs = append(errs, where+": "+fmt.Sprintf(format, args...))
	}

	cols := make([]column, len(header))
	taken := map[string]int{}
	hasCaption := false
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("Column %d", i+1)
		}
		cols[i].header = h
		key := strings.ToLower(spaceRe.ReplaceAllString(h, " "))
		key = strings.TrimSuffix(key, ":")
		f, ok := lookupColumn(key)
		lang := ""
		if !ok {
			if m := langColRe.FindStringSubmatch(key); m != nil {
				if tf, ok2 := Columns[m[1]]; ok2 && textFields[tf] {
					if _, err := language.Parse(m[2]); err == nil {
						f, ok, lang = tf, true, m[2]
					} else {
						notice(1, h, importer.Guess, "%q is not a BCP 47 language tag; the column is kept as extra metadata", m[2])
					}
				}
			}
		}
		if !ok {
			// "Date (circa)", "Caption [draft]": a qualifier that is not a
			// language tag; the column fills the field it names.
			if m := qualifierRe.FindStringSubmatch(key); m != nil {
				if f, ok = lookupColumn(m[1]); ok {
					notice(1, h, importer.Guess, "column %q read as %s", h, f)
				}
			}
		}
		if !ok {
			continue
		}
		if lang == "" {
			lang = opt.Lang
		}
		slot := string(f) + ":" + lang
		if !textFields[f] {
			slot = string(f)
		}
		if j, dup := taken[slot]; dup {
			notice(1, h, importer.Guess, "column %q also fills %s; it is kept as extra metadata", h, cols[j].header)
			continue
		}
		taken[slot] = i
		cols[i].field, cols[i].lang = f, lang
		if f == Caption {
			hasCaption = true
		}
	}
	if !hasCaption {
		return nil, fmt.Errorf("%w: line 1: no caption column; name one of the columns \"title\", \"caption\" or \"label\" (columns: %s)", ErrInvalid, strings.Join(header, ", "))
	}

	if _, ok := taken[string(Images)]; !ok {
		notice(1, "", importer.Guess, "no image column (image, file, filename, image filename, ...): the plates have no images; name the column that lists the image files so (columns: %s)", strings.Join(header, ", "))
	}

	title := opt.Title
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(opt.SourceFile), filepath.Ext(opt.SourceFile))
		if title == "" || title == "." {
			title = "Untitled exhibition"
		}
		notice(0, "", importer.Guess, "no title given: the title is %q; give --title or edit title:", title)
	}
	ex := &model.Exhibition{
		Languages: []string{opt.Lang},
		Title:     model.Text{opt.Lang: title},
		Rights:    opt.Rights,
		Slug:      opt.Slug,
	}
	if ex.Slug == "" {
		ex.Slug = importer.Slugify(title)
	}
	if ex.Slug == "" {
		ex.Slug = "exhibition"
	}
	ex.ID = model.ExhibitionID(ex.Slug).String()
	if opt.SourceFile != "" {
		ex.Source = &model.Source{File: filepath.Base(opt.SourceFile), Note: "Imported with vitrine import csv, one plate per row."}
	}
	if opt.Rights == UndeterminedRights {
		notice(0, "", importer.Guess, "rights set to %s (copyright status undetermined); give --rights, a rights column, or edit rights:", UndeterminedRights)
	}
	langs := map[string]bool{opt.Lang: true}
	for _, c := range cols {
		if c.field != "" && !langs[c.lang] {
			langs[c.lang] = true
			ex.Languages = append(ex.Languages, c.lang)
		}
	}

	imgs := newResolver(opt.ImagesDir, opt.OutDir)
	numbers := map[string]int{}
	sections := map[string]string{} // title -> id
	sectionIDs := map[string]bool{}
	row := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, csvErr(err).Error())
			break
		}
		line, _ := r.FieldPos(0)
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		row++
		for i := len(cols); i < len(rec); i++ {
			if strings.TrimSpace(rec[i]) != "" {
				fail(line, fmt.Sprintf("Column %d", i+1), "the row has %d cells but the header names %d columns; add a header for this column or remove the cell", len(rec), len(cols))
				break
			}
		}
		p := model.Plate{}
		for i, c := range cols {
			if i >= len(rec) {
				break
			}
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue
			}
			switch c.field {
			case Number:
				p.Number = v
			case Caption:
				setText(&p.Caption, c.lang, v)
			case Alt:
				setText(&p.Alt, c.lang, v)
			case Credit:
				setText(&p.Credit, c.lang, v)
			case Description:
				if p.Description == nil {
					p.Description = model.Paragraphs{}
				}
				p.Description[c.lang] = paragraphs(v)
			case Creator:
				p.Creator = v
			case Place:
				p.Place = v
			case Medium:
				p.Medium = v
			case Dimensions:
				p.Dimensions = v
			case Date:
				p.Date.Text = v
				n, note, err := model.Normalize(v)
				switch {
				case err != nil:
					notice(line, c.header, importer.Date, "date %q kept as written, not normalized: %v", v, err)
				case note != "":
					// How the date was read (the 1800s as a century, the
					// rest of "1863, printed 1870" kept in the note).
					notice(line, c.header, importer.Guess, "date %q normalized as %s: %s", v, n, note)
				}
				p.Date.Normalized, p.Date.Note = n, note
			case Rights:
				switch {
				case rightsRe.MatchString(v):
					p.Rights = v
				case strings.HasPrefix(v, "https://") && rightsRe.MatchString("http://"+strings.TrimPrefix(v, "https://")):
					p.Rights = "http://" + strings.TrimPrefix(v, "https://")
					notice(line, c.header, importer.Guess, "%s written as %s (rights URIs are http://)", v, p.Rights)
				default:
					fail(line, c.header, "%q is not a Creative Commons or rightsstatements.org URI; write e.g. http://creativecommons.org/licenses/by/4.0/ or http://rightsstatements.org/vocab/InC/1.0/, and put other rights text in a credit column", v)
				}
			case Images:
				for _, name := range strings.Split(v, ";") {
					name = strings.TrimSpace(name)
					if name == "" {
						continue
					}
					path, err := imgs.resolve(name)
					if err != nil {
						fail(line, c.header, "%v", err)
						continue
					}
					p.Images = append(p.Images, model.Image{Path: path})
				}
			case Section:
				id, ok := sections[v]
				if !ok {
					base := importer.Slugify(v)
					if base == "" {
						base = "section"
					}
					id = base
					for k := 2; sectionIDs[id]; k++ {
						id = fmt.Sprintf("%s-%d", base, k)
					}
					sections[v], sectionIDs[id] = id, true
					ex.Sections = append(ex.Sections, model.Section{ID: id, Title: model.Text{opt.Lang: v}})
				}
				p.Section = id
			default:
				p.Metadata = append(p.Metadata, model.Field{Label: c.header, Value: v})
			}
		}
		if p.Number == "" {
			p.Number = fmt.Sprint(row)
			if _, dup := numbers[p.Number]; dup {
				p.Number = fmt.Sprintf("row-%d", row)
			}
			if _, ok := taken[string(Number)]; ok {
				notice(line, cols[taken[string(Number)]].header, importer.Guess, "no number: the plate is numbered %s", p.Number)
			}
		}
		if first, dup := numbers[p.Number]; dup {
			col := ""
			if i, ok := taken[string(Number)]; ok {
				col = cols[i].header
			}
			fail(line, col, "number %q is also the number of the row at line %d; give each plate its own number", p.Number, first)
		}
		numbers[p.Number] = line
		if p.Caption.IsZero() {
			fail(line, captionHeader(cols), "empty; every plate needs a caption")
		}
		ex.Plates = append(ex.Plates, p)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n%s", ErrInvalid, strings.Join(errs, "\n"))
	}
	if len(ex.Plates) == 0 {
		return nil, fmt.Errorf("%w: the sheet has a header but no rows", ErrInvalid)
	}
	res.Exhibition = ex
	res.Copies = imgs.copies
	sort.SliceStable(res.Notices, func(i, j int) bool { return res.Notices[i].Line < res.Notices[j].Line })
	return res, nil
}

// captionHeader names the first caption column.
func captionHeader(cols []column) string {
	for _, c := range cols {
		if c.field == Caption {
			return c.header
		}
	}
	return ""
}

func setText(t *model.Text, lang, v string) {
	if *t == nil {
		*t = model.Text{}
	}
	(*t)[lang] = v
}

// paragraphs splits a cell at blank lines.
func paragraphs(v string) []string {
	var out []string
	for _, p := range regexp.MustCompile(`\n\s*\n`).Split(v, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// delimiter picks comma, semicolon or tab: whichever occurs most in the
// header row outside quotes (comma on a tie).
func delimiter(data []byte) rune {
	counts := map[rune]int{}
	inQ := false
	for _, b := range data {
		if b == '"' {
			inQ = !inQ
			continue
		}
		if inQ {
			continue
		}
		if b == '\n' {
			break
		}
		switch b {
		case ',', ';', '\t':
			counts[rune(b)]++
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		hint := ""
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			hint = `; a cell that holds a quote must be quoted and the quote doubled: "He said ""yes"""`
		}
		return fmt.Errorf("line %d, column %d (character): %v%s", pe.Line, pe.Column, pe.Err, hint)
	}
	return err
}

// resolver finds the files a sheet names.
type resolver struct {
	dir, out string
	inOut    bool   // dir is inside out: refer to files in place
	prefix   string // dir relative to out, when inOut
	listings map[string][]string
	copies   []importer.Copy
	dsts     map[string]string // copy destination -> source
}

func newResolver(dir, out string) *resolver {
	rv := &resolver{dir: dir, out: out, listings: map[string][]string{}, dsts: map[string]string{}}
	ad, err1 := filepath.Abs(dir)
	ao, err2 := filepath.Abs(out)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(ao, ad); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			rv.inOut = true
			rv.prefix = filepath.ToSlash(rel)
		}
	}
	return rv
}

// resolve finds name (slash-separated, relative to the images folder):
// exactly, else comparing each path element after Unicode normalization
// (NFC), so that NFD names written by macOS match. It returns the image
// path to write in the exhibition.
func (rv *resolver) resolve(name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/")
	if err := model.CheckRelPath(name); err != nil {
		return "", fmt.Errorf("image %q: %v", name, err)
	}
	parts := strings.Split(name, "/")
	found := make([]string, 0, len(parts))
	cur := rv.dir
	for _, part := range parts {
		entries, err := rv.list(cur)
		if err != nil {
			return "", fmt.Errorf("image %q: cannot read the folder %s: %v", name, cur, err)
		}
		match := ""
		for _, e := range entries {
			if e == part {
				match = e
				break
			}
		}
		if match == "" {
			want := norm.NFC.String(part)
			var cands []string
			for _, e := range entries {
				if norm.NFC.String(e) == want {
					cands = append(cands, e)
				}
			}
			switch len(cands) {
			case 1:
				match = cands[0]
			case 0:
				return "", fmt.Errorf("image %q not found in %s (names are matched exactly, and regardless of Unicode normalization, but not regardless of case)", name, rv.dir)
			default:
				return "", fmt.Errorf("image %q matches %d files in %s that differ only in Unicode normalization; rename one", name, len(cands), cur)
			}
		}
		found = append(found, match)
		cur = filepath.Join(cur, match)
	}
	st, err := os.Stat(cur)
	if err != nil {
		return "", fmt.Errorf("image %q: %v", name, err)
	}
	if st.IsDir() {
		return "", fmt.Errorf("image %q is a folder, not a file", name)
	}
	rel := strings.Join(found, "/")
	if rv.inOut {
		if rv.prefix != "." && rv.prefix != "" {
			rel = rv.prefix + "/" + rel
		}
		return rel, nil
	}
	dst := "images/" + norm.NFC.String(rel)
	if src, ok := rv.dsts[dst]; ok {
		if src != cur {
			return "", fmt.Errorf("image %q would be copied to %s, as %s is", name, dst, src)
		}
		return dst, nil
	}
	rv.dsts[dst] = cur
	rv.copies = append(rv.copies, importer.Copy{Src: cur, Dst: dst})
	return dst, nil
}

func (rv *resolver) list(dir string) ([]string, error) {
	if l, ok := rv.listings[dir]; ok {
		return l, nil
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	rv.listings[dir] = names
	return names, nil
}
