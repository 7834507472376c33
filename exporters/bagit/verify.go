package bagit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Kinds of Problem.
const (
	KindMissing      = "missing"         // listed in a manifest, not in the bag
	KindUnlisted     = "unlisted"        // in the payload, in no manifest
	KindNotInAll     = "not-in-manifest" // in some payload manifests, not this one
	KindMismatch     = "checksum"        // digest differs from the manifest's
	KindOxum         = "payload-oxum"    // Payload-Oxum differs from the payload
	KindBagItTxt     = "bagit-txt"       // bagit.txt missing lines or wrong
	KindManifest     = "manifest"        // a malformed or misplaced manifest line
	KindBagInfo      = "bag-info"        // a malformed bag-info.txt line
	KindNoManifest   = "no-manifest"     // no payload manifest
	KindUnreadable   = "unreadable"      // a file could not be read (damaged entry)
	KindFetch        = "fetch"           // fetch.txt lists files to download
	KindUnsafeInList = "unsafe-path"     // a manifest names a path outside the bag
)

// Problem is one reason a bag is not valid, about one file.
type Problem struct {
	Kind string `json:"kind"`
	// Path is the file the problem is about, relative to the bag root.
	Path string `json:"path"`
	// Manifest is the manifest or tag file that says so, if any.
	Manifest  string `json:"manifest,omitempty"`
	Algorithm string `json:"algorithm,omitempty"`
	Expected  string `json:"expected,omitempty"`
	Found     string `json:"found,omitempty"`
	// Message says what is wrong in a sentence naming the file.
	Message string `json:"message"`
}

// Report is the outcome of Verify.
type Report struct {
	// Path is the bag as given; Serialization is zip, tar or folder; Name is
	// the bag's folder name.
	Path          string `json:"path"`
	Serialization string `json:"serialization"`
	Name          string `json:"name"`
	Version       string `json:"bagit_version"`
	// Algorithms of the payload manifests and the tag manifests checked.
	Algorithms    []string `json:"algorithms"`
	TagAlgorithms []string `json:"tag_algorithms"`
	// Files and Bytes count the payload found.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Fast is set when only Payload-Oxum and the file lists were checked.
	Fast     bool      `json:"fast"`
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems"`
	Warnings []string  `json:"warnings"`
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Fast checks Payload-Oxum and the file lists only, reading no payload.
	Fast bool
	// Progress, when set, is called as payload bytes are read.
	Progress func(done, total int64)
}

// maxTagSize caps the size of a tag file read into memory.
const maxTagSize = 256 << 20

// Verify checks the bag at p (a ZIP, a TAR or a folder) without unpacking
// it: bagit.txt, completeness against every payload manifest, every
// checksum of every payload and tag manifest, and Payload-Oxum. It returns
// a Report listing every problem found; Report.Valid is true when there is
// none. The error is non-nil (wrapping ErrUnusable) only when the input
// cannot be checked: unreadable, not a bag, or holding an unsafe entry.
func Verify(ctx context.Context, p string, opt VerifyOptions) (*Report, error) {
	src, _, err := openSource(p)
	if err != nil {
		return nil, err
	}
	defer src.close()
	r, err := verifySource(ctx, src, opt)
	if r != nil {
		r.Path = p
		if src.kind() != "folder" && r.Name != "" {
			base := filepath.Base(p)
			if stem := strings.TrimSuffix(base, filepath.Ext(base)); stem != r.Name {
				r.Warnings = append(r.Warnings, fmt.Sprintf("the bag's folder is %q but the archive is named %q; some repositories expect them to match", r.Name, base))
			}
		}
	}
	return r, err
}

// VerifyZip checks a ZIP bag held in r (see Verify).
func VerifyZip(ctx context.Context, r io.ReaderAt, size int64, opt VerifyOptions) (*Report, error) {
	src, err := openZip(r, size, nil)
	if err != nil {
		return nil, err
	}
	return verifySource(ctx, src, opt)
}

// VerifyTar checks a TAR bag read from r (see Verify).
func VerifyTar(ctx context.Context, r io.ReadSeeker, opt VerifyOptions) (*Report, error) {
	src, err := openTar(r, nil)
	if err != nil {
		return nil, err
	}
	return verifySource(ctx, src, opt)
}

type verifier struct {
	rep      *Report
	byName   map[string]entry
	nfc      map[string]string // NFC form -> stored name, for names stored in another form
	manifest map[string][]ManifestEntry
}

func (v *verifier) problem(p Problem) { v.rep.Problems = append(v.rep.Problems, p) }
func (v *verifier) warn(format string, args ...any) {
	v.rep.Warnings = append(v.rep.Warnings, fmt.Sprintf(format, args...))
}

// lookup finds a listed path among the files, also in another Unicode
// normalization form (with a warning).
func (v *verifier) lookup(p string) (entry, bool) {
	if e, ok := v.byName[p]; ok {
		return e, true
	}
	if n, ok := v.nfc[norm.NFC.String(p)]; ok {
		v.warn("%s is listed as %q but stored as %q (another Unicode normalization form); treated as the same file", n, p, n)
		return v.byName[n], true
	}
	return entry{}, false
}

func verifySource(ctx context.Context, src source, opt VerifyOptions) (*Report, error) {
	rep := &Report{Serialization: src.kind(), Name: src.bagName(), Fast: opt.Fast, Problems: []Problem{}, Warnings: []string{}, Algorithms: []string{}, TagAlgorithms: []string{}}
	v := &verifier{rep: rep, byName: map[string]entry{}, nfc: map[string]string{}, manifest: map[string][]ManifestEntry{}}
	files := src.files()
	var tagWant []entry
	for _, e := range files {
		v.byName[e.name] = e
		v.nfc[norm.NFC.String(e.name)] = e.name
		if !strings.Contains(e.name, "/") && isTagToRead(e.name) {
			if e.size > maxTagSize {
				return rep, unusable("tag file %s is %d bytes, more than the %d this reader accepts", e.name, e.size, maxTagSize)
			}
			tagWant = append(tagWant, e)
		}
	}
	tags := map[string][]byte{}
	err := src.read(tagWant, func(e entry, r io.Reader) error {
		b, err := io.ReadAll(io.LimitReader(r, maxTagSize+1))
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		tags[e.name] = b
		return nil
	})
	if err != nil {
		return rep, unusable("reading the tag files: %v", err)
	}

	// bagit.txt
	bt, ok := tags["bagit.txt"]
	if !ok {
		return rep, unusable("no bagit.txt at the top of the bag: this is not a bag")
	}
	v.checkBagItTxt(bt)

	// bag-info.txt
	var info []Field
	if bi, ok := tags["bag-info.txt"]; ok {
		var bad []string
		info, bad = ParseTags(bi)
		for _, m := range bad {
			v.problem(Problem{Kind: KindBagInfo, Path: "bag-info.txt", Message: "bag-info.txt: " + m})
		}
	} else if rep.Version == "1.0" {
		v.warn("no bag-info.txt (it is optional, but Payload-Oxum cannot be checked)")
	}

	// payload and tag manifests
	payloadAlgs, tagAlgs := v.manifests(tags)
	rep.Algorithms, rep.TagAlgorithms = payloadAlgs, tagAlgs
	if len(payloadAlgs) == 0 {
		if v.hasUnsupported(tags, "manifest-") {
			return rep, unusable("no payload manifest uses an algorithm this reader supports (%s)", strings.Join(Algorithms, ", "))
		}
		v.problem(Problem{Kind: KindNoManifest, Path: "manifest-sha512.txt", Message: "the bag has no payload manifest (manifest-<algorithm>.txt)"})
	}

	var payload []entry
	for _, e := range files {
		if strings.HasPrefix(e.name, "data/") {
			payload = append(payload, e)
			rep.Files++
			rep.Bytes += e.size
		}
	}
	fetched := v.fetch(tags)

	// Completeness: every listed file exists; every payload file is listed
	// in every payload manifest.
	listedIn := map[string][]string{} // stored name -> manifests listing it
	need := map[string]map[string]bool{}
	for _, alg := range payloadAlgs {
		mf := "manifest-" + alg + ".txt"
		for _, me := range v.manifest[mf] {
			e, ok := v.lookup(me.Path)
			if !ok {
				if fetched[me.Path] {
					continue
				}
				v.problem(Problem{Kind: KindMissing, Path: me.Path, Manifest: mf, Message: fmt.Sprintf("%s: missing: listed in %s (line %d) but not in the bag", me.Path, mf, me.Line)})
				continue
			}
			listedIn[e.name] = append(listedIn[e.name], mf)
			if need[e.name] == nil {
				need[e.name] = map[string]bool{}
			}
			need[e.name][alg] = true
		}
	}
	for _, e := range payload {
		in := listedIn[e.name]
		if len(in) == 0 {
			if len(payloadAlgs) > 0 {
				v.problem(Problem{Kind: KindUnlisted, Path: e.name, Message: fmt.Sprintf("%s: not listed in any payload manifest (a file added after the bag was made?)", e.name)})
			}
			continue
		}
		for _, alg := range payloadAlgs {
			mf := "manifest-" + alg + ".txt"
			if !contains(in, mf) {
				v.problem(Problem{Kind: KindNotInAll, Path: e.name, Manifest: mf, Message: fmt.Sprintf("%s: listed in %s but not in %s", e.name, strings.Join(in, ", "), mf)})
			}
		}
	}

	// Payload-Oxum
	oxum, hasOxum := Get(info, "Payload-Oxum")
	if hasOxum {
		v.checkOxum(oxum)
	}
	if opt.Fast {
		if !hasOxum {
			return rep, unusable("--fast needs a Payload-Oxum in bag-info.txt, and this bag has none; verify without --fast")
		}
		v.finish()
		return rep, nil
	}

	// Tag manifests: which tag files to hash with which algorithms.
	tagListed := map[string][]string{}
	for _, alg := range tagAlgs {
		mf := "tagmanifest-" + alg + ".txt"
		for _, me := range v.manifest[mf] {
			e, ok := v.lookup(me.Path)
			if !ok {
				v.problem(Problem{Kind: KindMissing, Path: me.Path, Manifest: mf, Message: fmt.Sprintf("%s: missing: listed in %s (line %d) but not in the bag", me.Path, mf, me.Line)})
				continue
			}
			tagListed[e.name] = append(tagListed[e.name], mf)
			if need[e.name] == nil {
				need[e.name] = map[string]bool{}
			}
			need[e.name][alg] = true
		}
	}
	for name, in := range tagListed {
		if strings.HasPrefix(name, "data/") {
			continue
		}
		for _, alg := range tagAlgs {
			mf := "tagmanifest-" + alg + ".txt"
			if !contains(in, mf) {
				v.problem(Problem{Kind: KindNotInAll, Path: name, Manifest: mf, Message: fmt.Sprintf("%s: listed in %s but not in %s", name, strings.Join(in, ", "), mf)})
			}
		}
	}
	if len(tagAlgs) > 0 {
		for _, e := range files {
			if !strings.HasPrefix(e.name, "data/") && !strings.HasPrefix(e.name, "tagmanifest-") && tagListed[e.name] == nil {
				v.warn("%s is a tag file that no tag manifest lists; its content is not checked", e.name)
			}
		}
	}

	// One pass over every file to hash, each with all of its algorithms.
	var want []entry
	var total int64
	for _, e := range files {
		if len(need[e.name]) > 0 {
			want = append(want, e)
			total += e.size
		}
	}
	found := map[string]map[string]string{}
	var done int64
	buf := make([]byte, 1<<20)
	err = src.read(want, func(e entry, r io.Reader) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var algs []string
		for a := range need[e.name] {
			algs = append(algs, a)
		}
		sort.Strings(algs)
		var pr io.Reader = ctxReader{ctx, r}
		if opt.Progress != nil {
			pr = &progressReader{r: pr, fn: func(n int64) { done += n; opt.Progress(done, total) }}
		}
		n, sums, _, err := copyHashed(io.Discard, pr, algs, false, buf)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if src.kind() == "tar" {
				return err // the rest of a broken TAR stream cannot be found
			}
			v.problem(Problem{Kind: KindUnreadable, Path: e.name, Message: fmt.Sprintf("%s: cannot be read: %v", e.name, err)})
			return nil
		}
		if n != e.size {
			v.problem(Problem{Kind: KindUnreadable, Path: e.name, Message: fmt.Sprintf("%s: the archive says %d bytes but %d were read", e.name, e.size, n)})
		}
		found[e.name] = sums
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		return rep, unusable("reading the archive: %v", err)
	}
	for _, mf := range sortedKeys(v.manifest) {
		alg := algOf(mf)
		for _, me := range v.manifest[mf] {
			e, ok := v.byName[me.Path]
			if !ok {
				if n, ok2 := v.nfc[norm.NFC.String(me.Path)]; ok2 {
					e, ok = v.byName[n], true
				}
			}
			if !ok || found[e.name] == nil {
				continue
			}
			got := found[e.name][alg]
			if got != me.Digest {
				msg := fmt.Sprintf("%s: %s checksum mismatch: %s expects %s, the file has %s", e.name, alg, mf, me.Digest, got)
				if strings.HasPrefix(mf, "tagmanifest-") {
					msg += " (the tag file was changed after the bag was made)"
				}
				v.problem(Problem{Kind: KindMismatch, Path: e.name, Manifest: mf, Algorithm: alg, Expected: me.Digest, Found: got, Message: msg})
			}
		}
	}
	v.finish()
	return rep, nil
}

func (v *verifier) finish() {
	sort.SliceStable(v.rep.Problems, func(i, j int) bool {
		a, b := v.rep.Problems[i], v.rep.Problems[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Manifest < b.Manifest
	})
	ws := map[string]bool{}
	var out []string
	for _, w := range v.rep.Warnings {
		if !ws[w] {
			ws[w] = true
			out = append(out, w)
		}
	}
	v.rep.Warnings = append([]string{}, out...)
	v.rep.Valid = len(v.rep.Problems) == 0
}

func isTagToRead(name string) bool {
	return name == "bagit.txt" || name == "bag-info.txt" || name == "fetch.txt" ||
		(strings.HasPrefix(name, "manifest-") || strings.HasPrefix(name, "tagmanifest-")) && strings.HasSuffix(name, ".txt")
}

func algOf(manifest string) string {
	s := strings.TrimSuffix(manifest, ".txt")
	s = strings.TrimPrefix(s, "tag")
	return strings.TrimPrefix(s, "manifest-")
}

func (v *verifier) hasUnsupported(tags map[string][]byte, prefix string) bool {
	for name := range tags {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

func (v *verifier) checkBagItTxt(data []byte) {
	fields, bad := ParseTags(data)
	for _, m := range bad {
		v.problem(Problem{Kind: KindBagItTxt, Path: "bagit.txt", Message: "bagit.txt: " + m})
	}
	ver, ok := Get(fields, "BagIt-Version")
	if !ok {
		v.problem(Problem{Kind: KindBagItTxt, Path: "bagit.txt", Message: "bagit.txt: no BagIt-Version line"})
	} else {
		v.rep.Version = ver
		switch {
		case ver == "1.0" || ver == "0.97":
		case strings.HasPrefix(ver, "0.9"):
			v.warn("bagit.txt: BagIt-Version %s is older than 0.97; checked as 0.97", ver)
		default:
			v.problem(Problem{Kind: KindBagItTxt, Path: "bagit.txt", Message: fmt.Sprintf("bagit.txt: BagIt-Version %q is not 1.0 or 0.97", ver)})
		}
	}
	enc, ok := Get(fields, "Tag-File-Character-Encoding")
	if !ok {
		v.problem(Problem{Kind: KindBagItTxt, Path: "bagit.txt", Message: "bagit.txt: no Tag-File-Character-Encoding line"})
	} else if !strings.EqualFold(enc, "UTF-8") {
		v.warn("bagit.txt: Tag-File-Character-Encoding is %s; tag files are read as UTF-8", enc)
	}
	if ver == "1.0" && len(fields) != 2 {
		v.problem(Problem{Kind: KindBagItTxt, Path: "bagit.txt", Message: fmt.Sprintf("bagit.txt: has %d lines; BagIt 1.0 requires exactly BagIt-Version and Tag-File-Character-Encoding", len(fields))})
	}
}

func (v *verifier) checkOxum(oxum string) {
	octets, count, ok := strings.Cut(oxum, ".")
	o, err1 := strconv.ParseInt(octets, 10, 64)
	c, err2 := strconv.Atoi(count)
	if !ok || err1 != nil || err2 != nil || o < 0 || c < 0 {
		v.problem(Problem{Kind: KindOxum, Path: "bag-info.txt", Message: fmt.Sprintf("bag-info.txt: Payload-Oxum %q is not <octets>.<file count>", oxum)})
		return
	}
	if o != v.rep.Bytes || c != v.rep.Files {
		v.problem(Problem{Kind: KindOxum, Path: "bag-info.txt", Expected: oxum, Found: Oxum(v.rep.Bytes, v.rep.Files),
			Message: fmt.Sprintf("bag-info.txt: Payload-Oxum says %d bytes in %d files; the payload has %d bytes in %d files", o, c, v.rep.Bytes, v.rep.Files)})
	}
}

// manifests parses every manifest and returns the supported payload and tag
// algorithms, sorted.
func (v *verifier) manifests(tags map[string][]byte) (payload, tag []string) {
	for _, name := range sortedKeys(tags) {
		isTag := strings.HasPrefix(name, "tagmanifest-")
		if !isTag && !strings.HasPrefix(name, "manifest-") {
			continue
		}
		alg := algOf(name)
		if _, err := newHash(alg); err != nil {
			v.warn("%s: algorithm %q is not supported; this manifest is not checked", name, alg)
			continue
		}
		entries, bad := ParseManifest(tags[name], alg)
		for _, m := range bad {
			v.problem(Problem{Kind: KindManifest, Path: name, Manifest: name, Message: name + ": " + m})
		}
		seen := map[string]bool{}
		var keep []ManifestEntry
		for _, me := range entries {
			switch {
			case checkManifestPath(me.Path) != nil:
				v.problem(Problem{Kind: KindUnsafeInList, Path: me.Path, Manifest: name, Message: fmt.Sprintf("%s: line %d names %q, which is not a path inside the bag", name, me.Line, truncate(me.Path, 100))})
				continue
			case !isTag && !strings.HasPrefix(me.Path, "data/"):
				v.problem(Problem{Kind: KindManifest, Path: me.Path, Manifest: name, Message: fmt.Sprintf("%s: line %d lists %s, which is not in data/ (payload manifests list payload files only)", name, me.Line, me.Path)})
				continue
			case isTag && strings.HasPrefix(me.Path, "tagmanifest-"):
				v.problem(Problem{Kind: KindManifest, Path: me.Path, Manifest: name, Message: fmt.Sprintf("%s: line %d lists %s; tag manifests must not list tag manifests", name, me.Line, me.Path)})
				continue
			case seen[me.Path]:
				v.problem(Problem{Kind: KindManifest, Path: me.Path, Manifest: name, Message: fmt.Sprintf("%s: line %d lists %s a second time", name, me.Line, me.Path)})
				continue
			}
			seen[me.Path] = true
			keep = append(keep, me)
		}
		v.manifest[name] = keep
		if isTag {
			tag = append(tag, alg)
		} else {
			payload = append(payload, alg)
		}
	}
	return payload, tag
}

func checkManifestPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || (len(p) >= 2 && p[1] == ':') || strings.ContainsRune(p, 0) {
		return ErrUnsafeEntry
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." || part == "." || part == "" {
			return ErrUnsafeEntry
		}
	}
	return nil
}

// fetch reports a fetch.txt with entries (the bag is then not complete
// until they are downloaded, which verify does not do) and returns their
// paths.
func (v *verifier) fetch(tags map[string][]byte) map[string]bool {
	out := map[string]bool{}
	data, ok := tags["fetch.txt"]
	if !ok {
		return out
	}
	n := 0
	for _, line := range splitLines(bytes.TrimSpace(data)) {
		f := strings.Fields(line)
		if len(f) >= 3 {
			out[DecodePath(strings.Join(f[2:], " "))] = true
			n++
		}
	}
	if n > 0 {
		v.problem(Problem{Kind: KindFetch, Path: "fetch.txt", Message: fmt.Sprintf("fetch.txt lists %d files to download; vitrine verify does not download, so the bag is not complete", n)})
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type progressReader struct {
	r  io.Reader
	fn func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.fn(int64(n))
	}
	return n, err
}
