package epub

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// placedImage is one image of a PDF as `pdfimages -list` reports it: its
// pixel size and its resolution along each axis where it is placed on the
// page. An image placed with its own aspect ratio has equal x and y ppi.
type placedImage struct {
	Page, W, H int
	XPPI, YPPI float64
}

// pdfImages runs poppler's pdfimages -list on a PDF.
func pdfImages(t *testing.T, pdf string) []placedImage {
	t.Helper()
	out, err := exec.Command("pdfimages", "-list", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages -list: %v\n%s", err, out)
	}
	var ims []placedImage
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
		if len(f) < 14 || f[2] != "image" {
			continue
		}
		page, _ := strconv.Atoi(f[0])
		w, _ := strconv.Atoi(f[3])
		h, _ := strconv.Atoi(f[4])
		x, err1 := strconv.ParseFloat(f[12], 64)
		y, err2 := strconv.ParseFloat(f[13], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("pdfimages: cannot read the resolution of %q", sc.Text())
		}
		ims = append(ims, placedImage{page, w, h, x, y})
	}
	return ims
}

// calibrePDF converts a book to PDF with calibre's ebook-convert, as a
// reader who sends the catalogue to calibre would.
func calibrePDF(t *testing.T, book string) string {
	t.Helper()
	if _, err := exec.LookPath("ebook-convert"); err != nil {
		need(t, "calibre's ebook-convert", "apt-get install -y calibre")
	}
	if _, err := exec.LookPath("pdfimages"); err != nil {
		need(t, "pdfimages", "apt-get install -y poppler-utils")
	}
	pdf := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(book), ".epub")+".pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// calibre stretches the cover image over the whole first page of a
	// PDF unless told not to, whatever the book says; that option is
	// what a reader keeping covers intact uses, and the test judges the
	// book, not that default.
	cmd := exec.CommandContext(ctx, "ebook-convert", book, pdf, "--preserve-cover-aspect-ratio")
	// calibre renders with Qt WebEngine: no display here, and Chromium's
	// sandbox refuses to start as root (CI containers run as root).
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "QTWEBENGINE_DISABLE_SANDBOX=1", "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ebook-convert %s: %v\n%s", filepath.Base(book), err, out)
	}
	return pdf
}

// TestCalibreAspectRatio converts the fixture's book with calibre and
// measures where every image was placed in the PDF: each must keep its
// aspect ratio (equal horizontal and vertical resolution, within 2%).
// With width and height attributes on the img elements calibre squashed
// every landscape plate (252 x 178 ppi).
func TestCalibreAspectRatio(t *testing.T) {
	if testing.Short() {
		t.Skip("calibre conversion is slow; run without -short")
	}
	t.Parallel()
	book := buildBook(t, writeFixture(t), newExporter(t, Options{}))
	ims := pdfImages(t, calibrePDF(t, keep(t, "fixture-calibre.epub", book)))
	checkPlaced(t, ims, 4)
}

// checkPlaced fails on an image placed out of its aspect ratio, or when
// fewer than want images were placed.
func checkPlaced(t *testing.T, ims []placedImage, want int) {
	t.Helper()
	if len(ims) < want {
		t.Errorf("the PDF has %d images, want at least %d (every plate image)", len(ims), want)
	}
	for _, im := range ims {
		r := im.XPPI / im.YPPI
		if r < 0.98 || r > 1.02 {
			t.Errorf("page %d: a %dx%d image is placed at %.0f x %.0f ppi: its aspect ratio is changed by a factor %.2f", im.Page, im.W, im.H, im.XPPI, im.YPPI, r)
		}
	}
	if !t.Failed() {
		t.Logf("%d images, all placed in their aspect ratio", len(ims))
	}
}

// TestCalibreFindsCoverAndAuthor reads books with calibre's ebook-meta, as
// calibre's library does when a book is added: it must find the cover
// image (composed from the plates, or typographic when there is no image)
// and an author that is not "Unknown" when only a publisher is named
// (calibre prints its & as &&).
func TestCalibreFindsCoverAndAuthor(t *testing.T) {
	if testing.Short() {
		t.Skip("calibre is slow; run without -short")
	}
	t.Parallel()
	if _, err := exec.LookPath("ebook-meta"); err != nil {
		need(t, "calibre's ebook-meta", "apt-get install -y calibre")
	}
	noCurator := []string{"  - name: {en: \"Kim Min-ji\", ko: \"김민지\"}\n    roles: [curator]\n", "", `cover: "2"`, ``}
	noImages := append(append([]string{}, noCurator...),
		"images:\n      - path: images/one.jpg", "images: []",
		"images:\n      - path: images/two-recto.jpg\n        label: {en: \"Recto\", ko: \"앞면\"}\n      - path: images/two-verso.jpg\n        label: {en: \"Verso\", ko: \"뒷면\"}", "images: []",
		"images:\n      - path: images/three.jpg", "images: []")
	for _, c := range []struct {
		name string
		repl []string
	}{{"composed", noCurator}, {"typographic", noImages}} {
		t.Run(c.name, func(t *testing.T) {
			book := keep(t, "calibre-"+c.name+".epub", buildBook(t, withYAML(t, c.repl...), newExporter(t, Options{})))
			cover := filepath.Join(t.TempDir(), "cover")
			cmd := exec.Command("ebook-meta", book, "--get-cover="+cover)
			cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "QTWEBENGINE_DISABLE_SANDBOX=1", "HOME="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("ebook-meta: %v\n%s", err, out)
			}
			author := regexp.MustCompile(`(?m)^Author\(s\)\s*:\s*(.*)$`).FindStringSubmatch(string(out))
			if author == nil || strings.Contains(author[1], "Unknown") || !strings.Contains(author[1], "Museum of <Tests>") {
				t.Errorf("calibre reads the author as %q, want the publisher:\n%s", author, out)
			}
			if st, err := os.Stat(cover); err != nil || st.Size() < 100 {
				t.Errorf("calibre found no cover image (%v):\n%s", err, out)
			}
		})
	}
}
