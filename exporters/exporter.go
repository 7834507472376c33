// Package exporters defines what every output format implements (Exporter),
// what it is given (Build), and where it writes (Output). Nothing here knows a
// format: the formats live in exporters/epub, exporters/iiif and
// exporters/bagit, and the explicit list of exporters lives in cmd/vitrine.
package exporters

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// Exporter writes one output format of an exhibition.
//
// Export is called once per build, after every image derivative declared by
// Deriving has been computed, in the order of the exporter list (so a later
// exporter, such as the bag, may include what an earlier one wrote). It writes
// only through b.Out and must return promptly when ctx is cancelled.
type Exporter interface {
	// Name is the format's name on the command line: epub, iiif, bagit.
	Name() string
	Export(ctx context.Context, b *Build) error
}

// Deriving is implemented by exporters that need image derivatives. The
// build collects every exporter's derivers before the asset store reads any
// master, so that each master is decoded once for all of them.
type Deriving interface {
	Derivers(b *Build) []assets.Deriver
}

// Flagger is implemented by exporters with command-line options of their
// own (for example --iiif-tiles). Flags are registered on the build command.
type Flagger interface {
	AddFlags(fs *pflag.FlagSet)
}

// Checker is implemented by exporters whose options can be wrong for this
// exhibition or this selection of formats (a language the exhibition does not
// have, a bag that includes a format not built). The build calls Check on
// every selected exporter before any image is read, so a mistake in the
// command line costs nothing and exits with status 2.
type Checker interface {
	Check(b *Build) error
}

// ErrNotAvailable is returned for a format that this build of vitrine does
// not provide.
var ErrNotAvailable = errors.New("format not available")

// Build is everything an exporter is given. It is read-only for exporters,
// except Out.
type Build struct {
	Exhibition *model.Exhibition
	// Images holds each image's header (format, size before orientation),
	// keyed by its path in the exhibition file.
	Images map[string]model.ImageInfo
	Assets *assets.Store
	Out    *Output
	// BaseURL is where OUT will be published, with a trailing slash; IIIF ids
	// and links are made from it.
	BaseURL string
	// Time is the one timestamp of the build (model.Exhibition.BuildTime).
	Time time.Time
	// Version is vitrine's version, for colophons and Bag-Software-Agent.
	Version string
	// Formats are the names of the exporters selected for this build.
	Formats []string
	// Log receives one line per notable event; never nil.
	Log io.Writer
}

// Has reports whether format is part of this build.
func (b *Build) Has(format string) bool {
	for _, f := range b.Formats {
		if f == format {
			return true
		}
	}
	return false
}

// Logf writes one line to b.Log.
func (b *Build) Logf(format string, args ...any) {
	fmt.Fprintf(b.Log, format+"\n", args...)
}

// Paths of the products in OUT, shared so that exporters can link to each
// other's outputs (the IIIF manifest's rendering names the EPUB, the bag
// includes both) without depending on each other.
func EPUBPath(slug string) string     { return "epub/" + slug + ".epub" }
func IIIFDir(slug string) string      { return "iiif/" + slug }
func ManifestPath(slug string) string { return "iiif/" + slug + "/manifest.json" }
func CollectionPath() string          { return "iiif/collection.json" }
func BagPath(slug, ext string) string { return "bags/" + slug + "." + ext }

// URL returns the public URL of a path in OUT.
func (b *Build) URL(rel string) string {
	return strings.TrimSuffix(b.BaseURL, "/") + "/" + strings.TrimPrefix(rel, "/")
}

// Select returns the exporters named in names, in the order of all, or an
// error naming the unknown ones.
func Select(all []Exporter, names []string) ([]Exporter, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[strings.TrimSpace(n)] = true
	}
	var out []Exporter
	for _, e := range all {
		if want[e.Name()] {
			out = append(out, e)
			delete(want, e.Name())
		}
	}
	if len(want) > 0 {
		var unknown, known []string
		for n := range want {
			unknown = append(unknown, n)
		}
		for _, e := range all {
			known = append(known, e.Name())
		}
		return nil, fmt.Errorf("unknown format %s (known: %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return out, nil
}
