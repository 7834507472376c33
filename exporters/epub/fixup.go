package epub

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"strings"
	"time"
)

// fixup rewrites the book go-epub wrote (r, size bytes) into w, closing the
// gaps of go-epub v1.2.1 in one place: this file, with the package document
// and NCX it writes in opf.go and the navigation template in templates.go.
// Each fix says why it exists:
//
//  1. Determinism. go-epub lists images and stylesheets in Go map order,
//     sets dcterms:modified from the wall clock and names manifest items by
//     random-looking ids. The package document is rewritten from the book
//     (fixed order, ids from file names, dcterms:modified from the build
//     time) and the zip is rewritten in a fixed order with every entry
//     dated b.Time, so two builds give identical bytes.
//  2. OCF rules. mimetype is the first entry, stored, with no extra field
//     (Go's zip writer adds an extended-timestamp extra field whenever
//     FileHeader.Modified is set, so only the MS-DOS date fields are used).
//  3. Metadata go-epub cannot write: dc:date, publisher, rights, subjects,
//     source, creators and contributors with MARC roles, subtitle, further
//     languages, and EPUB Accessibility 1.1 (accessMode,
//     accessModeSufficient, accessibilityFeature, accessibilityHazard,
//     accessibilitySummary). Also the cover-image property on the image of
//     the cover plate, and the EPUB 2 cover meta.
//  4. Languages. go-epub writes no lang or xml:lang on pages; every page
//     gets both (and dir="rtl" for a right-to-left book), as EPUB
//     Accessibility and epubcheck's usage report ask.
//  5. Navigation. go-epub's nav has a fixed English heading and no
//     landmarks; the nav is rewritten with the book's sections and plates,
//     localized headings and landmarks, and placed in the spine after the
//     title page so the reader meets the contents like in a printed book.
//  6. NCX (EPUB 2 fallback): go-epub's has no dtb:uid, a wrong dtb:depth
//     and an empty docAuthor; it is rewritten.
//  7. go-epub only logs errors while writing pages, so WriteTo may succeed
//     on a broken book. Every page, image and stylesheet is checked to be
//     present, and anything unexpected in go-epub's output is an error.
func fixup(bk *book, r io.ReaderAt, size int64, w io.Writer) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("reading go-epub's output: %w", err)
	}
	in := map[string]*zip.File{}
	for _, f := range zr.File {
		in[f.Name] = f
	}
	opfPath, err := rootfile(in)
	if err != nil {
		return err
	}
	dir := path.Dir(opfPath)
	spine, err := goepubSpine(in[opfPath])
	if err != nil {
		return err
	}
	var want []string
	for _, p := range bk.Pages {
		want = append(want, "xhtml/"+p.File)
	}
	if strings.Join(spine, "\n") != strings.Join(want, "\n") {
		return fmt.Errorf("go-epub wrote the pages in an unexpected order:\n%v\nwanted\n%v", spine, want)
	}

	zw := zip.NewWriter(w)
	dosDate, dosTime := msdosTime(bk.Time)
	used := map[string]bool{}
	put := func(name string, data []byte, method uint16) error {
		used[name] = true
		// The MS-DOS date fields alone: Modified would add an extended
		// timestamp extra field to every entry.
		//lint:ignore SA1019 deliberate, see above
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, ModifiedDate: dosDate, ModifiedTime: dosTime})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	copyEntry := func(name string, method uint16, edit func([]byte) ([]byte, error)) error {
		f := in[name]
		if f == nil {
			return fmt.Errorf("go-epub did not write %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if edit != nil {
			if data, err = edit(data); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return put(name, data, method)
	}

	// (2) mimetype first, stored, sizes in the local header, no extra field.
	mt := []byte("application/epub+zip")
	used["mimetype"] = true
	fw, err := zw.CreateRaw(&zip.FileHeader{
		// No extra field before mimetype's data (OCF).
		//lint:ignore SA1019 deliberate, see above
		Name: "mimetype", Method: zip.Store, ModifiedDate: dosDate, ModifiedTime: dosTime,
		CRC32: crc32.ChecksumIEEE(mt), CompressedSize64: uint64(len(mt)), UncompressedSize64: uint64(len(mt)),
	})
	if err != nil {
		return err
	}
	if _, err := fw.Write(mt); err != nil {
		return err
	}
	used["META-INF/container.xml"] = true
	if err := put("META-INF/container.xml", containerXML(opfPath), zip.Deflate); err != nil {
		return err
	}
	// (1, 3) the package document.
	if err := put(opfPath, packageDocument(bk), zip.Deflate); err != nil {
		return err
	}
	// (5) the navigation document.
	nav, err := navDocument(bk)
	if err != nil {
		return err
	}
	if err := put(path.Join(dir, "nav.xhtml"), nav, zip.Deflate); err != nil {
		return err
	}
	// (6) the NCX.
	if err := put(path.Join(dir, "toc.ncx"), ncxDocument(bk), zip.Deflate); err != nil {
		return err
	}
	if err := copyEntry(path.Join(dir, "css/catalogue.css"), zip.Deflate, nil); err != nil {
		return err
	}
	// (4) pages in reading order, with their languages.
	for _, p := range bk.Pages {
		if err := copyEntry(path.Join(dir, "xhtml", p.File), zip.Deflate, func(b []byte) ([]byte, error) {
			return setPageLang(b, bk)
		}); err != nil {
			return err
		}
	}
	// Images in the order they first appear; JPEG does not compress, SVG
	// (a typographic cover) does.
	for _, im := range bk.Images {
		method := zip.Store
		if im.mediaType() != "image/jpeg" {
			method = zip.Deflate
		}
		if err := copyEntry(path.Join(dir, "images", im.Name), method, nil); err != nil {
			return err
		}
	}
	// (7) nothing go-epub wrote may be left behind unaccounted for.
	var extra []string
	for _, f := range zr.File {
		if !used[f.Name] && !strings.HasSuffix(f.Name, "/") {
			extra = append(extra, f.Name)
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("go-epub wrote files the book does not list: %v", extra)
	}
	return zw.Close()
}

// msdosTime converts t (UTC) to the MS-DOS date and time of zip headers,
// which cannot hold dates before 1980.
func msdosTime(t time.Time) (uint16, uint16) {
	t = t.UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	d := uint16(t.Day()) | uint16(t.Month())<<5 | uint16(t.Year()-1980)<<9
	tm := uint16(t.Second()/2) | uint16(t.Minute())<<5 | uint16(t.Hour())<<11
	return d, tm
}

func readEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// rootfile finds the package document named by go-epub's container.xml.
func rootfile(in map[string]*zip.File) (string, error) {
	f := in["META-INF/container.xml"]
	if f == nil {
		return "", errors.New("go-epub wrote no META-INF/container.xml")
	}
	data, err := readEntry(f)
	if err != nil {
		return "", err
	}
	var c struct {
		Rootfiles []struct {
			FullPath string `xml:"full-path,attr"`
		} `xml:"rootfiles>rootfile"`
	}
	if err := xml.Unmarshal(data, &c); err != nil || len(c.Rootfiles) != 1 || in[c.Rootfiles[0].FullPath] == nil {
		return "", fmt.Errorf("go-epub's container.xml names no package document (%v)", err)
	}
	return c.Rootfiles[0].FullPath, nil
}

// goepubSpine returns the hrefs of go-epub's spine, in order.
func goepubSpine(f *zip.File) ([]string, error) {
	data, err := readEntry(f)
	if err != nil {
		return nil, err
	}
	var p struct {
		Items []struct {
			ID   string `xml:"id,attr"`
			Href string `xml:"href,attr"`
		} `xml:"manifest>item"`
		Refs []struct {
			IDRef string `xml:"idref,attr"`
		} `xml:"spine>itemref"`
	}
	if err := xml.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("go-epub's package document: %w", err)
	}
	href := map[string]string{}
	for _, it := range p.Items {
		href[it.ID] = it.Href
	}
	var out []string
	for _, r := range p.Refs {
		out = append(out, href[r.IDRef])
	}
	return out, nil
}

func containerXML(opf string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="` + xmlText(opf) + `" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`)
}

// htmlOpen is how go-epub (via encoding/xml) starts every page.
const htmlOpen = `<html xmlns="http://www.w3.org/1999/xhtml"`

// setPageLang adds lang, xml:lang (and dir for a right-to-left book) to the
// html element of a page written by go-epub.
func setPageLang(page []byte, bk *book) ([]byte, error) {
	i := bytes.Index(page, []byte(htmlOpen))
	if i < 0 {
		return nil, errors.New("no XHTML html element")
	}
	attrs := ` lang="` + xmlText(bk.Lang) + `" xml:lang="` + xmlText(bk.Lang) + `"`
	if bk.RTL {
		attrs += ` dir="rtl"`
	}
	j := i + len(htmlOpen)
	out := make([]byte, 0, len(page)+len(attrs))
	out = append(out, page[:j]...)
	out = append(out, attrs...)
	out = append(out, page[j:]...)
	// go-epub writes <body dir="auto">, which sets the whole page's
	// direction from its first letter: a right-to-left caption would turn
	// an English page around, and an English label a right-to-left page.
	// The page takes its direction from the html element instead.
	out = bytes.Replace(out, []byte(`<body dir="auto">`), []byte(`<body>`), 1)
	// go-epub declares the epub namespace on every page; epubcheck notes
	// it where no epub:type uses it, so it is dropped there.
	if !bytes.Contains(out[j:], []byte("epub:type")) {
		out = bytes.Replace(out, []byte(` xmlns:epub="http://www.idpf.org/2007/ops"`), nil, 1)
	}
	if bytes.Contains(out, []byte("<title dir=\"auto\"></title>")) {
		return nil, errors.New("empty page title")
	}
	return out, nil
}

// navDocument renders the navigation document.
func navDocument(bk *book) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n")
	if err := navTmpl[bk.RTL].Execute(&buf, bk); err != nil {
		return nil, fmt.Errorf("navigation document: %w", err)
	}
	buf.WriteString("\n")
	return buf.Bytes(), nil
}
