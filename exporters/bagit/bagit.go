// Package bagit writes an exhibition as a BagIt 1.0 bag (RFC 8493) for
// deposit in a repository, serialized as a ZIP (default), a TAR or a folder,
// and verifies bags, its own or made by other tools (Verify).
//
// The bag holds the master images byte for byte under data/images/ with safe
// names derived from the plate numbers (data/names.tsv maps them back to the
// original file names), logos given as files (data/logos/), the exhibition
// as loaded with its file references turned into the bag's names
// (data/exhibition.json, so that data/ alone is an exhibition folder) and as
// written (data/exhibition.as-written.yaml), and optionally the EPUB and the
// IIIF folder built in the same run. Every payload file is read once: its
// checksums are computed while it is copied into the archive. Entries are
// sorted and carry the build's one timestamp, so that a bag is byte-identical
// from build to build.
package bagit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

// Profiles.
const (
	// ProfileBTR is the Beyond the Repository BagIt profile 1.0.
	ProfileBTR = "btr"
	// ProfileAPTrust is the APTrust BagIt profile (2.2, the version its
	// published identifier names): TAR, an md5 manifest (md5 and sha256
	// allowed) and aptrust-info.txt.
	ProfileAPTrust = "aptrust"
)

// Profile identifiers written as BagIt-Profile-Identifier.
const (
	BTRProfileURI     = "https://github.com/dpscollaborative/btr_bagit_profile/releases/download/1.0/btr-bagit-profile.json"
	APTrustProfileURI = "https://raw.githubusercontent.com/APTrust/preservation-services/master/profiles/aptrust-v2.2.json"
)

// Options are the bag's settings. The zero Options is a ZIP bag under the
// BTR profile with sha256 and sha512 manifests.
type Options struct {
	// Include names outputs of the same build to put in the bag: epub, iiif.
	Include []string
	// Algorithms are the manifests' algorithms; nil means the profile's:
	// sha256 and sha512, or md5 and sha256 for APTrust (which also adds md5
	// to algorithms given without it).
	Algorithms []string
	// Format is the serialization; "" means the profile's: zip, or tar for
	// APTrust.
	Format Serialization
	// Profile is ProfileBTR ("" too) or ProfileAPTrust.
	Profile string
}

// Exporter writes the bag.
type Exporter struct {
	opt Options // resolved
}

var (
	_ exporters.Exporter     = (*Exporter)(nil)
	_ exporters.Checker      = (*Exporter)(nil)
	_ exporters.MasterReader = (*Exporter)(nil)
)

// New returns the bagit exporter with the options o, resolved (the
// profile's defaults and requirements applied) and checked.
func New(o Options) (*Exporter, error) {
	r, err := o.resolve()
	if err != nil {
		return nil, err
	}
	return &Exporter{opt: r}, nil
}

// Name implements exporters.Exporter.
func (*Exporter) Name() string { return "bagit" }

// ReadsMasters implements exporters.MasterReader: the bag holds every
// master byte for byte, taken from the asset store's one read.
func (*Exporter) ReadsMasters() bool { return true }

// Options returns the exporter's options as resolved by New.
func (e *Exporter) Options() Options { return e.opt }

// resolve checks o and applies the profile's defaults and requirements.
func (o Options) resolve() (Options, error) {
	r := Options{Format: o.Format}
	r.Profile = strings.ToLower(strings.TrimSpace(o.Profile))
	switch r.Profile {
	case ProfileBTR, "":
		r.Profile = ProfileBTR
	case ProfileAPTrust:
	default:
		return r, fmt.Errorf("--bag-profile %q is not btr or aptrust", o.Profile)
	}
	switch {
	case o.Algorithms == nil && r.Profile == ProfileAPTrust:
		r.Algorithms = []string{"md5", "sha256"} // what the APTrust profile allows
	case o.Algorithms == nil:
		r.Algorithms = append([]string(nil), DefaultAlgorithms...)
	default:
		algs, err := ParseAlgorithms(o.Algorithms)
		if err != nil {
			return r, fmt.Errorf("--checksums: %w", err)
		}
		if r.Profile == ProfileAPTrust && !contains(algs, "md5") {
			algs = append([]string{"md5"}, algs...)
		}
		r.Algorithms = algs
	}
	if r.Format == "" {
		r.Format = Zip
		if r.Profile == ProfileAPTrust {
			r.Format = Tar
		}
	}
	if _, err := ParseSerialization(string(r.Format)); err != nil {
		return r, fmt.Errorf("--bag-format: %w", err)
	}
	if r.Profile == ProfileAPTrust && r.Format != Tar {
		return r, fmt.Errorf("--bag-profile aptrust requires a TAR (APTrust refuses other serializations); use --bag-format tar")
	}
	for _, in := range o.Include {
		in = strings.ToLower(strings.TrimSpace(in))
		switch in {
		case "":
		case "epub", "iiif":
			if !contains(r.Include, in) {
				r.Include = append(r.Include, in)
			}
		default:
			return r, fmt.Errorf("--bag-include %q: only epub and iiif can be included", in)
		}
	}
	return r, nil
}

// Check implements exporters.Checker: every format named in --bag-include
// must be part of this build.
func (e *Exporter) Check(b *exporters.Build) error {
	for _, in := range e.opt.Include {
		if !b.Has(in) {
			return fmt.Errorf("--bag-include %s: the %s format is not part of this build; add it to --formats (e.g. --formats %s,bagit)", in, in, in)
		}
	}
	return nil
}

// Export implements exporters.Exporter: it writes bags/<slug>.zip (or .tar,
// or the folder bags/<slug>/) through b.Out.
func (e *Exporter) Export(ctx context.Context, b *exporters.Build) error {
	opt := e.opt
	bag, err := makeBag(b, opt)
	if err != nil {
		return err
	}
	slug := b.Exhibition.Slug
	var res *Result
	var rel string
	switch opt.Format {
	case Zip, Tar:
		rel = exporters.BagPath(slug, string(opt.Format))
		f, err := b.Out.Create(rel)
		if err != nil {
			return err
		}
		if opt.Format == Zip {
			res, err = bag.WriteZip(ctx, f)
		} else {
			res, err = bag.WriteTar(ctx, f)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	case Dir:
		rel = "bags/" + slug
		res, err = bag.WriteDir(ctx, func(p string) (io.WriteCloser, error) {
			return b.Out.Create("bags/" + p)
		})
		if err != nil {
			return err
		}
	}
	if err := b.Out.Product(rel); err != nil {
		return err
	}
	b.Logf("bagit: %s: %d payload files, %s, %s (%s profile)", rel, res.Files, HumanSize(res.Bytes), strings.Join(bag.Algorithms, "+"), opt.Profile)
	return nil
}

// makeBag describes the exhibition's bag: its payload (masters, exhibition
// files, names.tsv, included outputs) and tag files. Nothing is read yet
// except the small files.
func makeBag(b *exporters.Build, opt Options) (*Bag, error) {
	ex := b.Exhibition
	bag := &Bag{Name: ex.Slug, Algorithms: opt.Algorithms, Time: b.Time}

	// Masters.
	var pis []PlateImage
	for _, p := range ex.Plates {
		for i, im := range p.Images {
			pis = append(pis, PlateImage{Plate: p.Number, Index: i + 1, Count: len(p.Images), Path: im.Path, Format: b.Images[im.Path].Format})
		}
	}
	images := ImageNames(pis)
	for _, im := range images {
		m := b.Assets.Master(im.Original)
		if m == nil {
			return nil, fmt.Errorf("image %s (plate %s) was not read by the asset store; it cannot be put in the bag", im.Original, im.Plate)
		}
		rel := im.Original
		bag.Payload = append(bag.Payload, File{
			Path:    "data/images/" + im.Name,
			Size:    m.Size,
			Open:    func() (io.ReadCloser, error) { return b.Assets.OpenMaster(rel) },
			Expect:  map[string]string{"sha256": m.SHA256, "sha512": m.SHA512},
			CRC32:   m.CRC32,
			Current: func(r io.Reader) bool { return b.Assets.Current(rel, r) },
			Label:   fmt.Sprintf("image %s (plate %s)", im.Original, im.Plate),
		})
	}
	// Logos given as files of the exhibition folder (not URLs).
	logos, err := logoFiles(ex)
	if err != nil {
		return nil, err
	}
	for _, l := range logos {
		bag.Payload = append(bag.Payload, File{Path: "data/" + l.name, Data: l.data, Label: "logo " + l.original})
	}
	atts, err := attachmentFiles(ex)
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		bag.Payload = append(bag.Payload, attachmentPayload(ex, a))
	}
	bag.Payload = append(bag.Payload, File{Path: "data/names.tsv", Data: NamesTSV(images, logos, atts...)})

	// The exhibition as loaded, with its file references turned into the
	// bag's names, so that data/ is an exhibition folder that `vitrine build`
	// reads as it is (data/exhibition.json); and byte for byte as written
	// (data/exhibition.as-written.yaml, a name Load does not pick up).
	// Written as the IIIF exporter writes its copy (no \u003c for "<").
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(inBag(ex, images, logos, atts)); err != nil {
		return nil, fmt.Errorf("exhibition as JSON: %w", err)
	}
	bag.Payload = append(bag.Payload, File{Path: "data/exhibition.json", Data: js.Bytes()})
	if len(ex.Raw) > 0 {
		name := "data/exhibition.as-written.yaml"
		if ext := strings.ToLower(path.Ext(ex.File)); ext == ".json" {
			name = "data/exhibition.as-written.json"
		}
		bag.Payload = append(bag.Payload, File{Path: name, Data: ex.Raw})
	}

	// Outputs of the same build (Check made sure they are part of it).
	for _, in := range opt.Include {
		var root string
		switch in {
		case "epub":
			root = exporters.EPUBPath(ex.Slug)
		case "iiif":
			root = exporters.IIIFDir(ex.Slug)
		}
		files, err := stagedFiles(b.Out.FS(), root)
		if err != nil {
			return nil, fmt.Errorf("--bag-include %s: %w", in, err)
		}
		bag.Payload = append(bag.Payload, files...)
	}

	// bag-info.txt
	var total int64
	for _, f := range bag.Payload {
		if f.Data != nil {
			total += int64(len(f.Data))
		} else {
			total += f.Size
		}
	}
	org := sourceOrganization(ex)
	if org == "" {
		org = "unknown (the exhibition names no publisher or provider agent)"
		b.Logf("bagit: warning: Source-Organization is unknown; add an agent with the role publisher or provider to %s", fileName(ex))
	}
	lang := ex.Lang()
	desc := ex.Title.Get(lang)
	if s := ex.Subtitle.Get(lang); s != "" {
		desc += ": " + s
	}
	desc = fmt.Sprintf("%s. Exhibition catalogue packaged by vitrine: %d plates, %d master images", desc, len(ex.Plates), len(images))
	if len(opt.Include) > 0 {
		desc += ", with its " + strings.Join(opt.Include, " and ")
	}
	desc += "."
	profileURI := BTRProfileURI
	if opt.Profile == ProfileAPTrust {
		profileURI = APTrustProfileURI
	}
	bag.Info = []Field{
		{"Source-Organization", org},
		{"Bagging-Date", b.Time.UTC().Format("2006-01-02")},
		{"Payload-Oxum", Oxum(total, len(bag.Payload))},
		{"Bag-Size", HumanSize(total)},
		{"External-Identifier", ex.URN()},
		{"External-Description", desc},
		{"Internal-Sender-Identifier", ex.Slug},
		{"Bag-Software-Agent", "vitrine " + b.Version},
		{"BagIt-Profile-Identifier", profileURI},
	}
	if opt.Profile == ProfileAPTrust {
		bag.Tags = map[string][]byte{"aptrust-info.txt": FormatTags([]Field{
			{"Title", ex.Title.Get(lang)},
			{"Description", ex.Summary.Get(lang)},
			{"Access", "Institution"},
			{"Storage-Option", "Standard"},
		})}
	}
	return bag, nil
}

func fileName(ex *model.Exhibition) string {
	if ex.File != "" {
		return ex.File
	}
	return "the exhibition file"
}

// sourceOrganization is the name of the first publisher, else the first
// provider agent.
func sourceOrganization(ex *model.Exhibition) string {
	for _, role := range []string{"publisher", "provider"} {
		for _, a := range ex.AgentsWithRole(role) {
			if n := a.Name.Get(ex.Lang()); n != "" {
				return n
			}
		}
	}
	return ""
}

// stagedFiles lists the regular files at root (a file or a folder) in fsys
// as payload files under data/<root>.
func stagedFiles(fsys fs.FS, root string) ([]File, error) {
	st, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("%s was not written by this build: %w", root, err)
	}
	var out []File
	add := func(p string, size int64) {
		out = append(out, File{
			Path:  "data/" + p,
			Size:  size,
			Open:  func() (io.ReadCloser, error) { return fsys.Open(p) },
			Label: p,
		})
	}
	if !st.IsDir() {
		add(root, st.Size())
		return out, nil
	}
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		if ignoredFile(p) || path.Base(p) == exporters.StampFile {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		add(p, info.Size())
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// NamesTSV lists each master's file name in the bag with its plate number,
// its position in the plate and its original path, then each logo's (with
// empty plate and image cells). Tabs, line ends and backslashes in values
// are written \t, \n, \r and \\.
func NamesTSV(images []ImageEntry, logos []logoFile, atts ...attachmentFile) []byte {
	esc := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	var b strings.Builder
	b.WriteString("file\tplate\timage\toriginal\n")
	row := func(file, plate, index, original string) {
		b.WriteString(esc.Replace(file))
		b.WriteByte('\t')
		b.WriteString(esc.Replace(plate))
		b.WriteByte('\t')
		b.WriteString(index)
		b.WriteByte('\t')
		b.WriteString(esc.Replace(original))
		b.WriteByte('\n')
	}
	for _, im := range images {
		row("data/images/"+im.Name, im.Plate, strconv.Itoa(im.Index), im.Original)
	}
	for _, l := range logos {
		row("data/"+l.name, "", "", l.original)
	}
	for _, a := range atts {
		row("data/"+a.name, a.plate, strconv.Itoa(a.index), a.original)
	}
	return []byte(b.String())
}

// logoFile is an agent's logo given as a file of the exhibition folder:
// its path there, its name in the bag under data/ and its bytes.
type logoFile struct {
	original, name string
	data           []byte
}

// maxLogo bounds the bytes of one logo read into memory.
const maxLogo = 64 << 20

// logoFiles reads each distinct local logo of the exhibition's agents, in
// agent order, and names it logos/logo-N.ext in the bag.
func logoFiles(ex *model.Exhibition) ([]logoFile, error) {
	var out []logoFile
	seen := map[string]bool{}
	for _, a := range ex.Agents {
		if !a.LogoFile() || seen[a.Logo] {
			continue
		}
		seen[a.Logo] = true
		f, err := ex.OpenImage(a.Logo)
		if err != nil {
			return nil, fmt.Errorf("logo of %s: %w", a.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxLogo+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("logo of %s: %w", a.Name, err)
		}
		if len(data) > maxLogo {
			return nil, fmt.Errorf("logo of %s: %s is over %s; use a smaller file or a URL", a.Name, a.Logo, HumanSize(maxLogo))
		}
		out = append(out, logoFile{original: a.Logo, name: fmt.Sprintf("logos/logo-%d%s", len(out)+1, safeExt(a.Logo)), data: data})
	}
	return out, nil
}

// inBag returns a copy of ex whose image and logo paths are the bag's
// names (relative to data/); ex itself is not changed.
func inBag(ex *model.Exhibition, images []ImageEntry, logos []logoFile, atts []attachmentFile) *model.Exhibition {
	rename := map[string]string{}
	for _, im := range images {
		rename[im.Original] = "images/" + im.Name
	}
	for _, l := range logos {
		rename[l.original] = l.name
	}
	attName := map[[2]string]string{} // plate, original -> name
	for _, a := range atts {
		attName[[2]string{a.plate, a.original}] = a.name
	}
	c := *ex
	c.Plates = make([]model.Plate, len(ex.Plates))
	for i, p := range ex.Plates {
		p.Images = append([]model.Image(nil), p.Images...)
		for j := range p.Images {
			if n, ok := rename[p.Images[j].Path]; ok {
				p.Images[j].Path = n
			}
		}
		p.Attachments = append([]model.Attachment(nil), p.Attachments...)
		for j := range p.Attachments {
			if n, ok := attName[[2]string{p.Number, p.Attachments[j].Path}]; ok {
				p.Attachments[j].Path = n
			}
		}
		c.Plates[i] = p
	}
	c.Agents = append([]model.Agent(nil), ex.Agents...)
	for i := range c.Agents {
		if n, ok := rename[c.Agents[i].Logo]; ok {
			c.Agents[i].Logo = n
		}
	}
	return &c
}
