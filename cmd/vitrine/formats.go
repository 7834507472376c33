package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/bagit"
	"github.com/vitrine-tools/vitrine/exporters/epub"
	"github.com/vitrine-tools/vitrine/exporters/iiif"
	"github.com/vitrine-tools/vitrine/exporters/site"
)

// formatNames is the explicit list of output formats, in the order they
// run: the bag comes after the formats it can include, and the site (index
// pages) last, since it shows the IIIF canvases and links to everything.
func formatNames() []string { return []string{"epub", "iiif", "bagit", "site"} }

// formatFlags are the formats' command-line options. They are the only
// place where flags meet the formats: each format's New takes its Options
// struct, resolves and checks it once.
type formatFlags struct {
	epub        epub.Options
	iiif        iiif.Options
	iiifVersion string
	bagInclude  []string
	checksums   []string
	bagFormat   string
	bagProfile  string
	fs          *pflag.FlagSet
}

// addFlags registers every format's flags on fs.
func (f *formatFlags) addFlags(fs *pflag.FlagSet) {
	f.fs = fs
	f.iiif = iiif.DefaultOptions()
	fs.StringVar(&f.epub.Lang, "epub-lang", "", "language of the EPUB catalogue, one of the exhibition's languages (default: its first); captions in the other languages are shown alongside")
	fs.IntVar(&f.epub.MaxEdge, "epub-max-edge", epub.DefaultMaxEdge, "longest side in pixels of the images in the EPUB (never enlarged)")
	fs.StringVar(&f.epub.CertifiedBy, "epub-certified-by", "", "who evaluated the EPUB's accessibility (a11y:certifiedBy beside its EPUB Accessibility 1.1 / WCAG 2.1 AA claim)")
	fs.BoolVar(&f.iiif.Tiles, "iiif-tiles", f.iiif.Tiles, "IIIF: write level-0 image services with 512-pixel tiles for deep zoom; false paints plain full-size JPEGs (smaller output, no zoom service)")
	fs.BoolVar(&f.iiif.Reencode, "iiif-reencode", f.iiif.Reencode, "IIIF: re-encode the full-size tiles and full/max of JPEG masters at quality 85 instead of cutting them losslessly at the master's quality (smaller files for masters saved at quality 95-100; slower)")
	fs.StringVar(&f.iiifVersion, "iiif-version", "3", "IIIF: Presentation API version, 3 or 2 (2.1 manifests with Image API 2 services, for older viewers)")
	fs.StringSliceVar(&f.bagInclude, "bag-include", nil, "also put these outputs of the same build in the bag: epub, iiif")
	fs.StringSliceVar(&f.checksums, "checksums", append([]string(nil), bagit.DefaultAlgorithms...), "bag manifest algorithms: sha256, sha512 (md5, sha1 only if a repository asks; md5,sha256 for --bag-profile aptrust)")
	fs.StringVar(&f.bagFormat, "bag-format", "", "bag serialization: zip, tar or dir (default zip; tar for --bag-profile aptrust)")
	fs.StringVar(&f.bagProfile, "bag-profile", bagit.ProfileBTR, "bag profile: btr (Beyond the Repository) or aptrust")
}

// exporters makes the exporters named in names, in the order of
// formatNames, each from its options. An unknown name or an option that
// cannot work is an error (a usage error for the caller).
func (f *formatFlags) exporters(names []string) ([]exporters.Exporter, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[strings.TrimSpace(n)] = true
	}
	var out []exporters.Exporter
	for _, name := range formatNames() {
		if !want[name] {
			continue
		}
		delete(want, name)
		e, err := f.exporter(name)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if len(want) > 0 {
		var unknown []string
		for n := range want {
			unknown = append(unknown, n)
		}
		return nil, fmt.Errorf("unknown format %s (known: %s)", strings.Join(unknown, ", "), strings.Join(formatNames(), ", "))
	}
	return out, nil
}

func (f *formatFlags) exporter(name string) (exporters.Exporter, error) {
	switch name {
	case "epub":
		return epub.New(f.epub)
	case "iiif":
		o := f.iiif
		v, err := iiif.ParseVersion(f.iiifVersion)
		if err != nil {
			return nil, fmt.Errorf("--iiif-version: %w", err)
		}
		o.Version = v
		return iiif.New(o)
	case "bagit":
		o := bagit.Options{Include: f.bagInclude, Profile: f.bagProfile}
		if f.fs != nil && f.fs.Changed("checksums") {
			o.Algorithms = f.checksums
		}
		if f.bagFormat != "" {
			s, err := bagit.ParseSerialization(f.bagFormat)
			if err != nil {
				return nil, fmt.Errorf("--bag-format: %w", err)
			}
			o.Format = s
		}
		return bagit.New(o)
	case "site":
		return site.New(), nil
	}
	return nil, fmt.Errorf("format %s has no exporter", name)
}
