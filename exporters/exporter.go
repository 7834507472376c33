// Package exporters defines what every output format implements (Exporter),
// what it is given (Build), where it writes (Output), and the one function
// that runs a build (Run). Nothing here knows a format: the formats live in
// exporters/epub, exporters/iiif, exporters/bagit and exporters/site, and
// the explicit list of exporters, with their command-line flags, lives in
// cmd/vitrine.
package exporters

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// Exporter writes one output format of an exhibition.
//
// An exporter is made from its options, resolved and checked when it is made
// (each format's New). Export is called once per build by Run, after Check
// and after every image derivative declared by Deriving has been computed,
// in the order of the exporter list (so a later exporter, such as the bag,
// may include what an earlier one wrote). Its outputs go only through b.Out
// (scratch files, such as the EPUB library's, may go to the system's
// temporary folder and are removed before Export returns), and it must
// return promptly when ctx is cancelled.
type Exporter interface {
	// Name is the format's name on the command line: epub, iiif, bagit,
	// site.
	Name() string
	Export(ctx context.Context, b *Build) error
}

// Deriving is implemented by exporters that need image derivatives. The
// build collects every exporter's derivers before the asset store reads any
// master, so that each master is decoded once for all of them.
type Deriving interface {
	Derivers(b *Build) []assets.Deriver
}

// Checker is implemented by exporters whose options can be wrong for this
// exhibition or this selection of formats (a language the exhibition does not
// have, a bag that includes a format not built). Run calls Check once on
// every selected exporter before any image is read (b.Assets is nil then),
// so a mistake in the command line costs nothing; Export does not check again.
type Checker interface {
	Check(b *Build) error
}

// MasterReader is implemented by exporters that read the masters' bytes
// (through Store.OpenMaster), as the bag does. When one of the selected
// exporters says so, the asset store keeps a copy of every master from its
// one read, so that no master is read twice.
type MasterReader interface {
	ReadsMasters() bool
}

// Build is everything an exporter is given. It is read-only for exporters,
// except Out and what an exporter hands on to later ones (IIIF).
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
	// IIIF is set by the IIIF exporter when it has exported: what later
	// exporters may show of it. Nil before that, and in builds without IIIF.
	IIIF *IIIF
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
