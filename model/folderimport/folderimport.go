// Package folderimport turns a folder of images into an exhibition: one
// plate per image, in natural order of the file names ("2.jpg" before
// "10.jpg"), with caption, creator, date and copyright read from the
// metadata embedded in each image (see ReadMeta), else taken from the file
// name.
//
// Only the folder's own files are read, not its subfolders (where a build's
// output may live). .DS_Store, Thumbs.db, desktop.ini, AppleDouble files
// ("._name") and other dot files are skipped silently; other files that are
// not images are skipped with a notice.
package folderimport

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// UndeterminedRights is the rights statement given when none is known.
const UndeterminedRights = "http://rightsstatements.org/vocab/UND/1.0/"

// Extensions are the image file name extensions read (lower case).
var Extensions = []string{".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".webp"}

// metaLimit is how much of a file is read for its metadata.
const metaLimit = 32 << 20

// Options tune Import.
type Options struct {
	// Title of the exhibition; default: the folder's name.
	Title string
	// Lang of the texts; default "en".
	Lang string
	// Slug; default: made from the folder's name.
	Slug string
	// Rights of the exhibition; default UndeterminedRights.
	Rights string
	// BornDigital says the photographs are the objects: their capture
	// date is the plate's date. Otherwise (scans and photographs of
	// objects) it is kept as the digitisation date, a metadata field
	// labelled DigitisedLabel, and never taken for the object's date.
	BornDigital bool
	// Edition and Publisher, when set, are the edition date and the
	// publishing agent (see importer.Colophon).
	Edition, Publisher string
}

// DigitisedLabel labels the metadata field that holds the capture date of
// a scan or a photograph of an object.
const DigitisedLabel = "Digitised"

// KeywordsLabel labels the metadata field that holds the embedded
// keywords, separated by "; ".
const KeywordsLabel = "Keywords"

// ErrNoImages is returned for a folder without image files.
var ErrNoImages = errors.New("no images")

var (
	ccRe         = regexp.MustCompile(`https?://(creativecommons\.org/(?:licenses|publicdomain)/[a-z0-9.+-]+(?:/[0-9.]+)?(?:/[a-z-]+)?/?|rightsstatements\.org/vocab/[A-Za-z-]+/1\.0/)`)
	exifDateRe   = regexp.MustCompile(`^(\d{4}):(\d{2})(?::(\d{2}))?(?:[ T]\d{2}:\d{2}(?::\d{2})?.*)?$`)
	isoDateRe    = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$`)
	iimDateRe    = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	nameDateRe   = regexp.MustCompile(`(?:^|[^0-9])((?:1[6-9]|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?:[^0-9]|$)`)
	nameYearRe   = regexp.MustCompile(`(?:^|[^0-9\pL])((?:1[6-9]|20)\d{2})(?:[^0-9\pL]|$)`)
	leadingNumRe = regexp.MustCompile(`^\d+\s*[-_.)]\s*`)
)

// Import reads the images of dir. Image paths in the exhibition are the
// file names, relative to dir, so the exhibition file belongs in dir.
func Import(dir string, opt Options) (*model.Exhibition, []importer.Notice, error) {
	if opt.Lang == "" {
		opt.Lang = "en"
	}
	if opt.Rights == "" {
		opt.Rights = UndeterminedRights
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var notes []importer.Notice
	notice := func(file string, k importer.Kind, format string, args ...any) {
		notes = append(notes, importer.Notice{File: file, Kind: k, Msg: fmt.Sprintf(format, args...)})
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "."), n == "Thumbs.db", n == "desktop.ini", n == "Desktop.ini":
			continue
		case e.IsDir():
			notice(n, importer.Dropped, "subfolder not read (only the folder's own images become plates)")
			continue
		case !e.Type().IsRegular() && !regularTarget(filepath.Join(dir, n)):
			// A named pipe would block the import for ever.
			notice(n, importer.Dropped, "skipped: not a regular file (a pipe, a device, or a link to one or to nothing)")
			continue
		}
		ext := strings.ToLower(filepath.Ext(n))
		if !contains(Extensions, ext) {
			if !contains(model.FileNames, n) {
				notice(n, importer.Dropped, "skipped: not an image (%s)", strings.Join(Extensions, ", "))
			}
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%w in %s (looked for %s)", ErrNoImages, dir, strings.Join(Extensions, ", "))
	}
	sort.Slice(names, func(i, j int) bool { return importer.NaturalLess(norm.NFC.String(names[i]), norm.NFC.String(names[j])) })

	title := opt.Title
	abs, _ := filepath.Abs(dir)
	if title == "" {
		title = filepath.Base(abs)
		notice("", importer.Guess, "no title given: the title is the folder's name, %q; give --title or edit title:", title)
	}
	ex := &model.Exhibition{
		Languages: []string{opt.Lang},
		Title:     model.Text{opt.Lang: title},
		Rights:    opt.Rights,
		Slug:      opt.Slug,
	}
	if ex.Slug == "" {
		ex.Slug = importer.Slugify(filepath.Base(abs))
	}
	if ex.Slug == "" {
		ex.Slug = importer.Slugify(title)
	}
	if ex.Slug == "" {
		ex.Slug = "exhibition"
	}
	ex.ID = model.ExhibitionID(ex.Slug).String()
	if err := importer.Colophon(ex, opt.Edition, opt.Publisher); err != nil {
		return nil, nil, err
	}
	if opt.Rights == UndeterminedRights {
		notice("", importer.Guess, "rights set to %s (copyright status undetermined); give --rights or edit rights:", UndeterminedRights)
	}
	var errs []string
	for i, n := range names {
		p, err := plate(filepath.Join(dir, n), n, i+1, opt, notice)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", n, err))
			continue
		}
		ex.Plates = append(ex.Plates, p)
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	digitised := 0
	for _, p := range ex.Plates {
		for _, f := range p.Metadata {
			if f.Label == DigitisedLabel {
				digitised++
			}
		}
	}
	if digitised > 0 {
		notice("", importer.Guess, "%d of %d images carry a capture date (EXIF DateTimeOriginal or xmp:CreateDate): it is kept as the digitisation date (metadata %q), not as the object's date; give --born-digital if the photographs are the objects", digitised, len(ex.Plates), DigitisedLabel)
	}
	return ex, notes, nil
}

// regularTarget reports whether path, followed through links, is a regular
// file.
func regularTarget(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

func plate(path, name string, n int, opt Options, notice func(string, importer.Kind, string, ...any)) (model.Plate, error) {
	lang := opt.Lang
	p := model.Plate{Number: fmt.Sprint(n), Images: []model.Image{{Path: name}}}
	f, err := os.Open(path)
	if err != nil {
		return p, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() == 0 {
		return p, fmt.Errorf("the file is empty (0 bytes): copy it again from its source, or move it out of the folder")
	}
	if _, _, err := image.DecodeConfig(f); err != nil {
		return p, fmt.Errorf("not a readable image (%v); re-export it or move it out of the folder", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return p, err
	}
	data, err := io.ReadAll(io.LimitReader(f, metaLimit))
	if err != nil {
		return p, err
	}
	m, err := ReadMeta(data)
	if err != nil && !errors.Is(err, errNotSupported) {
		return p, err
	}
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	switch {
	case m.Title != "":
		p.Caption = model.Text{lang: m.Title}
		if m.Description != "" && m.Description != m.Title {
			p.Description = model.Paragraphs{lang: {m.Description}}
		}
	case m.Description != "":
		p.Caption = model.Text{lang: m.Description}
	default:
		c := strings.Join(strings.Fields(strings.ReplaceAll(leadingNumRe.ReplaceAllString(norm.NFC.String(stem), ""), "_", " ")), " ")
		if c == "" {
			c = norm.NFC.String(stem)
		}
		p.Caption = model.Text{lang: c}
		notice(name, importer.Guess, "no caption in the image's metadata: caption %q made from the file name", c)
	}
	p.Creator = m.Creator
	if m.Rights != "" {
		p.Credit = model.Text{lang: m.Rights}
		if u := ccRe.FindStringSubmatch(m.Rights); u != nil {
			p.Rights = "http://" + u[1]
		}
	}
	if len(m.Keywords) > 0 {
		p.Metadata = append(p.Metadata, model.Field{Label: KeywordsLabel, Value: strings.Join(m.Keywords, "; ")})
	}
	// The capture date is the photograph's making: for a scan or a
	// photograph of an object, its digitisation. An IPTC/XMP Date Created
	// on the same day is the same capture (Lightroom and others copy it).
	captured, capOK := metaDate(m.Captured)
	object := m.Date
	if d, ok := metaDate(object); ok && capOK && strings.HasPrefix(captured, d) {
		object = ""
	}
	switch {
	case object != "":
		p.Date = embeddedDate(object, name, notice)
	case m.Captured != "" && opt.BornDigital:
		p.Date = embeddedDate(m.Captured, name, notice)
	default:
		if d, ok := nameDate(stem); ok {
			p.Date = d
			notice(name, importer.Guess, "date %s taken from the file name", d.Normalized)
		}
	}
	if m.Captured != "" && !opt.BornDigital {
		v := captured
		if !capOK {
			v = m.Captured
		}
		p.Metadata = append(p.Metadata, model.Field{Label: DigitisedLabel, Value: v})
	}
	return p, nil
}

// embeddedDate is a date read from embedded metadata: shown as the date
// it stands for, with a note giving the embedded form.
func embeddedDate(s, name string, notice func(string, importer.Kind, string, ...any)) model.Date {
	if n, ok := metaDate(s); ok {
		// The embedded form ("1951:06:25 10:00:00", "19510625") is for
		// machines; the catalogue shows the date it stands for.
		d := model.Date{Text: n, Normalized: n}
		if s != n {
			d.Note = fmt.Sprintf("from the image's embedded metadata, where it reads %q", s)
		}
		return d
	}
	d := model.Date{Text: s}
	var err error
	d.Normalized, d.Note, err = model.Normalize(s)
	if err != nil {
		notice(name, importer.Date, "date %q kept as written, not normalized", s)
	}
	return d
}

// metaDate normalizes the date forms of EXIF ("1951:06:25 10:00:00"), XMP
// ("1951-06-25T10:00:00", "1951-06", "1951") and IPTC ("19510625").
func metaDate(s string) (string, bool) {
	var y, mo, d string
	if m := exifDateRe.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m := isoDateRe.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m := iimDateRe.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else {
		return "", false
	}
	if mo == "00" {
		mo, d = "", ""
	}
	if d == "00" {
		d = ""
	}
	out := y
	if mo != "" {
		out += "-" + mo
		if d != "" {
			out += "-" + d
		}
	}
	if _, err := model.ParseEDTF(out); err != nil {
		return "", false
	}
	return out, true
}

// nameDate finds a date in a file name: 1951-06-25, 19510625 or a year.
func nameDate(stem string) (model.Date, bool) {
	if ix := nameDateRe.FindStringSubmatchIndex(stem); ix != nil {
		n := stem[ix[2]:ix[3]] + "-" + stem[ix[4]:ix[5]] + "-" + stem[ix[6]:ix[7]]
		if _, err := model.ParseEDTF(n); err == nil {
			return model.Date{Text: stem[ix[2]:ix[7]], Normalized: n, Note: "taken from the file name"}, true
		}
	}
	if m := nameYearRe.FindStringSubmatch(stem); m != nil {
		return model.Date{Text: m[1], Normalized: m[1], Note: "taken from the file name"}, true
	}
	return model.Date{}, false
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
