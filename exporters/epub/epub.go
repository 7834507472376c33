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

// Options are the catalogue's settings.
type Options struct {
	// Lang is the book's language, one of the exhibition's languages; ""
	// means the exhibition's first language.
	Lang string
	// MaxEdge is the longest side of the book's images in pixels; 0 means
	// DefaultMaxEdge.
	MaxEdge int
	// CertifiedBy names who evaluated the book's accessibility, written
	// as a11y:certifiedBy beside the conformance claim; "" writes none
	// (vitrine cannot certify its own output).
	CertifiedBy string
}

// Exporter writes OUT/epub/<slug>.epub.
type Exporter struct {
	opt Options
}

var (
	_ exporters.Exporter = (*Exporter)(nil)
	_ exporters.Deriving = (*Exporter)(nil)
	_ exporters.Checker  = (*Exporter)(nil)
)

// New returns the epub exporter with the options o, resolved and checked:
// the parts of o that do not depend on the exhibition (Check does those).
func New(o Options) (*Exporter, error) {
	if o.MaxEdge == 0 {
		o.MaxEdge = DefaultMaxEdge
	}
	if o.MaxEdge < 0 {
		return nil, fmt.Errorf("--epub-max-edge %d: give the longest side of the book's images in pixels (default %d)", o.MaxEdge, DefaultMaxEdge)
	}
	if o.Lang != "" && !langTagRe.MatchString(o.Lang) {
		return nil, fmt.Errorf("--epub-lang %q is not a BCP 47 language tag (e.g. en, fr, ko)", o.Lang)
	}
	return &Exporter{opt: o}, nil
}

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "epub" }

// Check implements exporters.Checker: the book's language must be one of
// the exhibition's languages, and a BCP 47 tag.
func (e *Exporter) Check(b *exporters.Build) error {
	ex := b.Exhibition
	if e.opt.Lang != "" && !slices.Contains(ex.Languages, e.opt.Lang) {
		return fmt.Errorf("--epub-lang %s: the exhibition's languages are %v; choose one of them", e.opt.Lang, ex.Languages)
	}
	if lang := e.lang(ex.Lang()); !langTagRe.MatchString(lang) {
		return fmt.Errorf("language %q is not a BCP 47 tag; fix languages: in %s", lang, ex.File)
	}
	return nil
}

// lang is the book's language: Options.Lang, else first, the exhibition's.
func (e *Exporter) lang(first string) string {
	if e.opt.Lang != "" {
		return e.opt.Lang
	}
	return first
}

// deriver is the image derivative the book carries: a JPEG with a JFIF
// header, never the master.
func (e *Exporter) deriver() assets.Deriver {
	return assets.Resized{Name: "epub.jpg", MaxEdge: e.opt.MaxEdge, Quality: DefaultQuality}
}

// Derivers implements exporters.Deriving.
func (e *Exporter) Derivers(*exporters.Build) []assets.Deriver {
	return []assets.Deriver{e.deriver()}
}

// Export implements exporters.Exporter. It writes the book to
// b.Out/epub/<slug>.epub and declares it as a product.
func (e *Exporter) Export(ctx context.Context, b *exporters.Build) error {
	ex := b.Exhibition
	lang := e.lang(ex.Lang())
	bk, err := compose(b, lang, e.deriver(), catalogueCSS)
	if err != nil {
		return err
	}
	bk.CertifiedBy = clean(e.opt.CertifiedBy)
	if bk.CertifiedBy != "" && !bk.Conforms {
		b.Logf("epub: --epub-certified-by is not written: the book makes no conformance claim (see above)")
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
