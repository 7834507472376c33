// Package epub writes the exhibition catalogue as an EPUB 3 book: a
// typographic cover (with a plate image when the exhibition names one), a
// title page, the introduction, the sections, one page per plate (figure
// with alt text, caption, tombstone record), a list of plates and a
// colophon, with EPUB Accessibility 1.1 metadata, a navigation document with
// landmarks, and lang/xml:lang on every page.
//
// Pages are assembled with github.com/go-shiori/go-epub (the design card's
// choice); fixup.go then closes that library's gaps (determinism, metadata,
// accessibility, languages, landmarks, NCX) in one place. Two builds of the
// same exhibition at the same build time give identical bytes.
package epub

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/pflag"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
)

// Defaults of the e-book images: large enough for a tablet held landscape,
// small enough that a catalogue of a hundred plates stays a few tens of MB.
const (
	DefaultMaxEdge = 1600
	DefaultQuality = 85
)

//go:embed catalogue.css
var catalogueCSS []byte

// Exporter writes OUT/epub/<slug>.epub.
type Exporter struct {
	// MaxEdge is the longest side of the book's images in pixels.
	MaxEdge int
	// Lang is the book's language (a tag of the exhibition's languages);
	// "" means the exhibition's first language.
	Lang string
}

var (
	_ exporters.Exporter = (*Exporter)(nil)
	_ exporters.Deriving = (*Exporter)(nil)
	_ exporters.Flagger  = (*Exporter)(nil)
)

// New returns the epub exporter with default options.
func New() *Exporter { return &Exporter{MaxEdge: DefaultMaxEdge} }

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "epub" }

// Check implements exporters.Checker: --epub-lang must be one of the
// exhibition's languages.
func (e *Exporter) Check(b *exporters.Build) error {
	ex := b.Exhibition
	if e.Lang != "" && !slices.Contains(ex.Languages, e.Lang) {
		return fmt.Errorf("--epub-lang %s: the exhibition's languages are %v; choose one of them", e.Lang, ex.Languages)
	}
	return nil
}

// AddFlags implements exporters.Flagger: --epub-lang and --epub-max-edge.
func (e *Exporter) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&e.Lang, "epub-lang", "", "language of the EPUB catalogue, one of the exhibition's languages (default: its first); captions in the other languages are shown alongside")
	fs.IntVar(&e.MaxEdge, "epub-max-edge", DefaultMaxEdge, "longest side in pixels of the images in the EPUB (never enlarged)")
}

// deriver is the image derivative the book carries: a JPEG with a JFIF
// header, never the master.
func (e *Exporter) deriver() assets.Deriver {
	edge := e.MaxEdge
	if edge <= 0 {
		edge = DefaultMaxEdge
	}
	return assets.Resized{Name: "epub.jpg", MaxEdge: edge, Quality: DefaultQuality}
}

// Derivers implements exporters.Deriving.
func (e *Exporter) Derivers(*exporters.Build) []assets.Deriver {
	return []assets.Deriver{e.deriver()}
}

// Export implements exporters.Exporter. It writes the book to
// b.Out/epub/<slug>.epub and declares it as a product.
func (e *Exporter) Export(ctx context.Context, b *exporters.Build) error {
	ex := b.Exhibition
	if err := e.Check(b); err != nil {
		return err
	}
	lang := e.Lang
	if lang == "" {
		lang = ex.Lang()
	}
	if !langTagRe.MatchString(lang) {
		return fmt.Errorf("language %q is not a BCP 47 tag; fix languages: in %s", lang, ex.File)
	}
	bk, err := compose(b, lang, e.deriver(), catalogueCSS)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	rel := exporters.EPUBPath(ex.Slug)
	f, err := b.Out.Create(rel)
	if err != nil {
		return err
	}
	if err := write(ctx, bk, f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", rel, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	b.Logf("epub: %s (%s, %d pages, %d images)", rel, lang, len(bk.Pages), len(bk.Images))
	return b.Out.Product(rel)
}

// write assembles the book with go-epub into a temporary file, then fixup
// rewrites it into w.
func write(ctx context.Context, bk *book, w *os.File) error {
	tmp, err := os.CreateTemp("", "vitrine-epub-*.epub")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := assemble(bk, tmp); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := tmp.Stat()
	if err != nil {
		return err
	}
	return fixup(bk, tmp, st.Size(), w)
}
