// Package csvimport turns a spreadsheet saved as CSV (from Excel,
// LibreOffice, Google Sheets or a collection management system) into an
// exhibition, one plate per row, in one pass: it chooses the columns by
// meaning and content (see chooseColumns), finds the files each row names
// under the images folder (see resolver), and runs on the result every
// check model.Validate runs, each problem placed at its row's line and
// column, so that what 'vitrine validate' would find is reported before
// anything is written.
//
// The file must be UTF-8, with or without a byte order mark, with CRLF or LF
// line ends; cells may be quoted and hold commas, quotes and newlines. The
// delimiter (comma, semicolon or tab) is taken from the header row. UTF-16,
// UTF-32 and Latin-1 files are refused with an error that names the
// encoding.
//
// Header names are matched case-insensitively with common synonyms (see
// Columns); a text column may name its language as "title:ko" or
// "title [ko]". Unknown columns, and columns that lost a choice, are kept,
// in order, as extra metadata of each plate labelled with their headers.
// Every error names the line of the row and the column, and all of them
// are reported at once.
package csvimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// UndeterminedRights is the rights statement given when none is known.
const UndeterminedRights = "http://rightsstatements.org/vocab/UND/1.0/"

var (
	rightsRe = regexp.MustCompile(`^http://(creativecommons\.org/(licenses|publicdomain)/[a-z0-9.+-]+(/[0-9.]+)?(/[a-z-]+)?/?|rightsstatements\.org/vocab/[A-Za-z-]+/1\.0/)$`)
	spaceRe  = regexp.MustCompile(`\s+`)
	// sepLineRe is Excel's first line naming the delimiter: "sep=;".
	sepLineRe = regexp.MustCompile(`^(?i:sep)=([,;\t|])[ \t]*(\r?\n)`)
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
	// Edition is the edition date (YYYY-MM-DD) and Publisher the name of
	// the publishing agent; both optional (see importer.Colophon).
	Edition, Publisher string
	// SourceFile is the CSV file's name, recorded in source.file.
	SourceFile string
	// ImagesDir is where the file names of the sheet are looked up.
	ImagesDir string
	// OutDir is the exhibition folder to be written. Files inside it are
	// referred to in place; others are to be copied into OutDir/images/
	// (OutDir/files/ for PDF, audio and video files).
	OutDir string
	// Fetch, when set, downloads the files a sheet names by URL.
	Fetch *Fetch
	// MaxPixels limits each image as model.ValidateOptions does.
	MaxPixels int64
}

// Result is what Import made.
type Result struct {
	Exhibition *model.Exhibition
	Notices    []importer.Notice
	// Copies are the files to copy into the exhibition folder.
	Copies []importer.Copy
	// Sources are the files the sheet names, where they are now, with the
	// cell that named each: for checks a caller runs before anything is
	// written (decoding every image as build would).
	Sources []Source
}

// Source is a file a sheet names: Dir/Rel (Rel slash-separated), named at
// Line in Column; Attachment for a PDF, audio or video file.
type Source struct {
	Line       int
	Column     string
	Dir, Rel   string
	Attachment bool
}

// ErrInvalid is wrapped by Import's error when rows have errors.
var ErrInvalid = errors.New("the sheet has errors")

// rightsURI returns v as the http URI IIIF requires when it is a Creative
// Commons or rightsstatements.org URI (http or https).
func rightsURI(v string) (string, bool) {
	if rightsRe.MatchString(v) {
		return v, true
	}
	if h, ok := strings.CutPrefix(v, "https://"); ok && rightsRe.MatchString("http://"+h) {
		return "http://" + h, true
	}
	return "", false
}

// Import reads a CSV sheet in one pass: it chooses the columns, finds
// every file, and runs every check 'vitrine validate' would run on the
// result, each problem placed at its row's line and column. On error the
// error lists every problem, and the Result holds only the notices (no
// exhibition, no copies).
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
	var probs []problem
	type cell struct {
		line int
		col  string
	}
	failed := map[cell]bool{} // cells with an error, not to be reported twice
	fail := func(line int, col, format string, args ...any) {
		probs = append(probs, problem{line: line, col: col, msg: fmt.Sprintf(format, args...)})
		failed[cell{line, col}] = true
	}

	cols := readHeader(header, opt.Lang, func(line int, col, format string, args ...any) {
		notice(line, col, importer.Guess, format, args...)
	})

	// Every row is read first: the choice between columns looks at their
	// content.
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			probs = append(probs, problem{msg: csvErr(err).Error()})
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
		if !empty {
			rows, lines = append(rows, rec), append(lines, line)
		}
	}
	for _, c := range chooseColumns(cols, rows, opt.Lang) {
		notice(1, "", importer.ColumnChoice, "%s", c)
	}
	capCol := fieldColumn(cols, Caption)
	if capCol < 0 {
		return nil, fmt.Errorf("%w: line 1: no caption column; name one of the columns \"title\", \"caption\" or \"label\" (columns: %s)", ErrInvalid, strings.Join(header, ", "))
	}
	numCol, imgCol := fieldColumn(cols, Number), fieldColumn(cols, Images)
	headerOf := func(i int) string {
		if i < 0 {
			return ""
		}
		return cols[i].header
	}

	var fetch *fetcher
	if opt.Fetch != nil {
		fetch = newFetcher(opt.Fetch)
	}
	files := newResolver(opt.ImagesDir, opt.OutDir, fetch)
	// Wax-style sheets have no file column: the images are named after
	// the id ("obj1.jpg" for pid obj1).
	byID := false
	if imgCol < 0 {
		if numCol >= 0 {
			for _, rec := range rows {
				if numCol < len(rec) && len(files.byID(strings.TrimSpace(rec[numCol]))) > 0 {
					byID = true
					break
				}
			}
			files = newResolver(opt.ImagesDir, opt.OutDir, fetch) // forget the trial copies
		}
		if byID {
			notice(1, cols[numCol].header, importer.ColumnChoice, "no file column: each row's files are found in %s by its %q (e.g. %s.jpg, or a folder of that name)", opt.ImagesDir, cols[numCol].header, firstValue(rows, numCol))
		} else {
			notice(1, "", importer.Guess, "no file column (image, file, filename, image filename, ...), and no file in %s is named after the number column: the plates have no images; name the column that lists the files so (columns: %s)", opt.ImagesDir, strings.Join(header, ", "))
		}
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
	if err := importer.Colophon(ex, opt.Edition, opt.Publisher); err != nil {
		return nil, err
	}
	langs := map[string]bool{opt.Lang: true}
	for _, c := range cols {
		if c.field != "" && !langs[c.lang] {
			langs[c.lang] = true
			ex.Languages = append(ex.Languages, c.lang)
		}
	}

	var refs []fileRef
	numbers := map[string]int{}
	sections := map[string]string{} // title -> id
	sectionIDs := map[string]bool{}
	for row, rec := range rows {
		line := lines[row]
		for i := len(cols); i < len(rec); i++ {
			if strings.TrimSpace(rec[i]) != "" {
				fail(line, fmt.Sprintf("Column %d", i+1), "the row has %d cells but the header names %d columns; add a header for this column or remove the cell", len(rec), len(cols))
				break
			}
		}
		p := model.Plate{}
		hasFile := false
		for i, c := range cols {
			if i >= len(rec) {
				break
			}
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue
			}
			if c.asCredit {
				if p.Credit.Get(opt.Lang) == "" {
					setText(&p.Credit, opt.Lang, v)
				} else {
					p.Metadata = append(p.Metadata, model.Field{Label: c.header, Value: v})
				}
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
				u, ok := rightsURI(v)
				switch {
				case ok && u != v:
					p.Rights = u
					notice(line, c.header, importer.Guess, "%s written as %s (rights URIs are http://)", v, u)
				case ok:
					p.Rights = u
				default:
					fail(line, c.header, "%q is not a Creative Commons or rightsstatements.org URI; write e.g. http://creativecommons.org/licenses/by/4.0/ or http://rightsstatements.org/vocab/InC/1.0/, and put other rights text in a credit column", v)
				}
			case Images:
				hasFile = true
				cr := files.cell(v,
					func(format string, args ...any) { notice(line, c.header, importer.FileNote, format, args...) },
					func(format string, args ...any) { fail(line, c.header, format, args...) })
				refs = plateFiles(&p, cr.files, line, c.header, refs)
				for _, u := range cr.urls {
					p.Metadata = append(p.Metadata, model.Field{Label: c.header, Value: u})
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
		if byID && p.Number != "" {
			fs := files.byID(p.Number)
			refs = plateFiles(&p, fs, line, headerOf(numCol), refs)
			if len(fs) == 0 {
				notice(line, headerOf(numCol), importer.FileNote, "no file named after %q in %s: the plate has no image", p.Number, opt.ImagesDir)
			}
		} else if imgCol >= 0 && len(p.Images) == 0 && len(p.Attachments) == 0 && !failed[cell{line, headerOf(imgCol)}] {
			what := "no file"
			if hasFile {
				what = "no file found or downloaded"
			}
			notice(line, headerOf(imgCol), importer.FileNote, "%s: the plate has no image (its text is kept; IIIF gives it no canvas)", what)
		}
		if p.Number == "" {
			p.Number = fmt.Sprint(row + 1)
			if _, dup := numbers[p.Number]; dup {
				p.Number = fmt.Sprintf("row-%d", row+1)
			}
			if numCol >= 0 {
				notice(line, cols[numCol].header, importer.Guess, "no number: the plate is numbered %s", p.Number)
			}
		}
		if first, dup := numbers[p.Number]; dup {
			fail(line, headerOf(numCol), "number %q is also the number of the row at line %d; give each plate its own number", p.Number, first)
		}
		numbers[p.Number] = line
		if p.Caption.IsZero() {
			fail(line, cols[capCol].header, "empty; every plate needs a caption")
		}
		ex.Plates = append(ex.Plates, p)
	}
	if len(rows) == 0 && len(probs) == 0 {
		return nil, fmt.Errorf("%w: the sheet has a header but no rows", ErrInvalid)
	}
	sharedRights(ex, opt, notice)

	// Every check of 'vitrine validate', placed at its cell.
	for _, ref := range refs {
		for _, pr := range checkFile(ref.f, opt.MaxPixels) {
			pr.line, pr.col = ref.line, ref.col
			probs = append(probs, pr)
		}
	}
	fieldCols := map[string]string{}
	for _, c := range cols {
		if c.field != "" && c.lang == opt.Lang {
			if _, ok := fieldCols[string(c.field)]; !ok {
				fieldCols[string(c.field)] = c.header
			}
		}
	}
	for _, pr := range checkRest(ex, lines, fieldCols) {
		if !pr.warn && failed[cell{pr.line, pr.col}] {
			continue // the importer said it already
		}
		probs = append(probs, pr)
	}
	var errs []problem
	for _, pr := range probs {
		if pr.warn {
			notice(pr.line, pr.col, importer.Warning, "%s", pr.msg)
		} else {
			errs = append(errs, pr)
		}
	}
	sort.SliceStable(res.Notices, func(i, j int) bool { return res.Notices[i].Line < res.Notices[j].Line })
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].line < errs[j].line })
		msgs := make([]string, len(errs))
		rowsBad := map[int]bool{}
		for i, e := range errs {
			where := ""
			if e.line > 0 {
				where = fmt.Sprintf("line %d", e.line)
				rowsBad[e.line] = true
			}
			if e.col != "" {
				where += fmt.Sprintf(", column %q", e.col)
			}
			if where != "" {
				where += ": "
			}
			msgs[i] = where + e.msg
		}
		return res, fmt.Errorf("%w (%d errors in %d rows):\n%s", ErrInvalid, len(errs), len(rowsBad), strings.Join(msgs, "\n"))
	}
	res.Exhibition = ex
	res.Copies = files.copies
	for _, r := range refs {
		res.Sources = append(res.Sources, Source{Line: r.line, Column: r.col, Dir: r.f.dir, Rel: r.f.rel, Attachment: r.f.attachment})
	}
	return res, nil
}

// plateFiles puts found files on the plate (as images, or attachments)
// and records the cell that named each, for its check.
func plateFiles(p *model.Plate, fs []found, line int, col string, refs []fileRef) []fileRef {
	for _, f := range fs {
		if f.attachment {
			p.Attachments = append(p.Attachments, model.Attachment{Path: f.path})
		} else {
			p.Images = append(p.Images, model.Image{Path: f.path})
		}
		refs = append(refs, fileRef{line: line, col: col, f: f})
	}
	return refs
}

// sharedRights makes a rights URI that every plate has the exhibition's,
// when none was given.
func sharedRights(ex *model.Exhibition, opt Options, notice func(int, string, importer.Kind, string, ...any)) {
	if opt.Rights != UndeterminedRights {
		return
	}
	shared := ""
	for _, p := range ex.Plates {
		if p.Rights == "" || (shared != "" && p.Rights != shared) {
			shared = ""
			break
		}
		shared = p.Rights
	}
	if shared == "" {
		notice(0, "", importer.Guess, "rights set to %s (copyright status undetermined) for the exhibition and every plate without a rights URI; give --rights, a column of rights URIs, or edit rights:", UndeterminedRights)
		return
	}
	ex.Rights = shared
	for i := range ex.Plates {
		ex.Plates[i].Rights = ""
	}
	notice(0, "", importer.Guess, "every row has the rights %s: it is the exhibition's rights", shared)
}

// firstValue is the first non-empty value of column i, for messages.
func firstValue(rows [][]string, i int) string {
	for _, r := range rows {
		if i < len(r) && strings.TrimSpace(r[i]) != "" {
			return strings.TrimSpace(r[i])
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
