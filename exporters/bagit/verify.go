package bagit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Codes of the problems that make a bag invalid (Problem.Kind). They are
// stable: programs reading `vitrine verify --json` may rely on them.
const (
	KindNoBagItTxt   = "no-bagit-txt"    // no bagit.txt at the top of the bag
	KindBagItTxt     = "bagit-txt"       // bagit.txt malformed (a missing line, a space before a colon...)
	KindBagItBOM     = "bagit-txt-bom"   // bagit.txt starts with a byte-order mark (RFC 8493 2.1.1)
	KindVersion      = "bagit-version"   // a BagIt-Version this reader does not know (not 0.93 to 1.0)
	KindEncoding     = "tag-encoding"    // an unknown Tag-File-Character-Encoding, or a tag file not in it
	KindBagInfo      = "bag-info"        // a malformed line of bag-info.txt (package-info.txt before 0.96)
	KindNoPayloadDir = "no-payload-dir"  // no data/ folder
	KindNoManifest   = "no-manifest"     // no payload manifest
	KindManifest     = "manifest"        // a malformed or misplaced manifest line
	KindDuplicate    = "duplicate-entry" // a manifest lists a file twice (different digests, or any twice in 1.0)
	KindUnsafeInList = "unsafe-path"     // a manifest or fetch.txt names a path outside the bag
	KindMissing      = "missing"         // listed in a manifest, not in the bag
	KindUnlisted     = "unlisted"        // in the payload, in no manifest
	KindNotInAll     = "not-in-manifest" // in some payload manifests, not this one
	KindMismatch     = "checksum"        // digest differs from the manifest's
	KindOxum         = "payload-oxum"    // Payload-Oxum malformed or differs from the payload
	KindUnreadable   = "unreadable"      // a file could not be read (damaged entry)
	KindFetch        = "fetch"           // a malformed fetch.txt line
	KindFetchMissing = "fetch-missing"   // fetch.txt lists a file the bag does not hold (verify never downloads)
	KindFetchSize    = "fetch-size"      // fetch.txt gives a length the file does not have

	// The bag breaks a rule of the BagIt profile given with --profile:
	KindProfileVersion       = "profile-bagit-version" // Accept-BagIt-Version
	KindProfileSerialization = "profile-serialization" // Serialization, Accept-Serialization
	KindProfileIdentifier    = "profile-identifier"    // bag-info.txt has no BagIt-Profile-Identifier
	KindProfileBagInfo       = "profile-bag-info"      // Bag-Info: required, values, repeatable
	KindProfileManifest      = "profile-manifest"      // Manifests-Required, Manifests-Allowed
	KindProfileTagManifest   = "profile-tag-manifest"  // Tag-Manifests-Required, Tag-Manifests-Allowed
	KindProfileTagFile       = "profile-tag-file"      // Tag-Files-Required, Tag-Files-Allowed
	KindProfileFetch         = "profile-fetch"         // Allow-Fetch.txt, Fetch.txt-Required
	KindProfilePayload       = "profile-payload"       // Payload-Files-Required, Payload-Files-Allowed, Data-Empty
)

// Codes of warnings (Report.Warnings): what the BagIt specifications
// discourage or other tools warn about, without making the bag invalid
// (unless VerifyOptions.Strict is set). They are stable like the Kind codes.
const (
	WarnBOM              = "bom"                          // a tag file other than bagit.txt starts with a UTF-8 byte-order mark
	WarnEncoding         = "encoding-not-utf8"            // Tag-File-Character-Encoding is not UTF-8
	WarnLabelSpace       = "label-space"                  // white space before a label's colon in bag-info.txt
	WarnRepeatedField    = "repeated-field"               // Payload-Oxum (or another single field) given twice
	WarnNoBagInfo        = "no-bag-info"                  // a 1.0 bag without bag-info.txt
	WarnPathNotNormal    = "path-not-normal"              // "./data/x" or "data//x": read as data/x
	WarnDuplicate        = "duplicate-entry"              // a manifest lists a file twice with the same digest (before 1.0)
	WarnCaseClash        = "case-clash"                   // names that differ only in letter case
	WarnNormalization    = "normalization"                // a name listed in another Unicode normalization form
	WarnTagInPayload     = "tag-file-in-payload-manifest" // a 0.97 or 1.0 payload manifest lists a tag file
	WarnUnsupportedAlg   = "unsupported-algorithm"        // a manifest whose algorithm this reader cannot compute
	WarnUntaggedTagFile  = "tag-file-not-in-tagmanifest"  // a tag file no tag manifest lists
	WarnFetchOutsideData = "fetch-outside-data"           // fetch.txt lists a file outside data/
	WarnArchiveName      = "archive-name"                 // the bag's folder is not named like the archive
	WarnProfileID        = "profile-identifier-differs"   // the bag names another profile than the one checked
)

// Problem is one reason a bag is not valid, or one warning, about one file.
type Problem struct {
	// Kind is the stable code of the problem or warning (Kind* and Warn*).
	Kind string `json:"kind"`
	// Path is the file the problem is about, relative to the bag root.
	Path string `json:"path"`
	// Manifest is the manifest or tag file that says so, if any, and Line
	// its line (1-based; 0 when the problem is not about one line).
	Manifest  string `json:"manifest,omitempty"`
	Line      int    `json:"line,omitempty"`
	Algorithm string `json:"algorithm,omitempty"`
	Expected  string `json:"expected,omitempty"`
	Found     string `json:"found,omitempty"`
	// Message says what is wrong in a sentence naming the file (and line).
	Message string `json:"message"`
}

// Report is the outcome of Verify.
type Report struct {
	// Path is the bag as given; Serialization is zip, tar, tar.gz or
	// folder; Name is the bag's folder name.
	Path          string `json:"path"`
	Serialization string `json:"serialization"`
	Name          string `json:"name"`
	Version       string `json:"bagit_version"`
	// Encoding is the tag files' character encoding, as bagit.txt declares it.
	Encoding string `json:"tag_file_encoding"`
	// Algorithms of the payload manifests and the tag manifests checked.
	Algorithms    []string `json:"algorithms"`
	TagAlgorithms []string `json:"tag_algorithms"`
	// Files and Bytes count the payload found.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Fast is set when only Payload-Oxum and the file lists were checked;
	// Strict when warnings count as problems.
	Fast   bool `json:"fast"`
	Strict bool `json:"strict"`
	// Profile is the identifier of the BagIt profile checked, if any.
	Profile string `json:"profile,omitempty"`
	// Usable is always true in a Report (a bag that cannot be checked
	// gives an error instead); it is here for readers of the JSON.
	Usable bool `json:"usable"`
	// Valid is true when there is no problem (and, with Strict, no warning).
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems"`
	Warnings []Problem `json:"warnings"`
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Fast checks Payload-Oxum and the file lists only, reading no payload.
	Fast bool
	// Strict makes any warning a reason for the bag not to be valid.
	Strict bool
	// Profile, when set, is a BagIt profile the bag must also satisfy.
	Profile *Profile
	// Progress, when set, is called as payload bytes are read.
	Progress func(done, total int64)
}

// maxTagSize caps the size of a tag file read into memory.
const maxTagSize = 256 << 20

// Verify checks the bag at p (a ZIP, a TAR, a gzip-compressed TAR or a
// folder) without unpacking it, as BagIt 0.93 to 1.0 (RFC 8493) define a
// valid bag: bagit.txt, the tag files in the character encoding it declares,
// completeness against every payload manifest and fetch.txt, every checksum
// of every payload and tag manifest, and Payload-Oxum; and, when
// opt.Profile is set, the profile's rules. It returns a Report listing every
// problem and warning found; Report.Valid is true when there is no problem
// (and, with opt.Strict, no warning). A folder, a ZIP and a TAR of the same
// bag give the same problems and warnings (hidden and system files are
// payload like any other). The error is non-nil (wrapping ErrUnusable) only
// when the input cannot be checked: unreadable, not a folder or archive of
// one folder, holding an unsafe entry, or using only unknown algorithms.
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
			stem := base
			for _, ext := range []string{".gz", ".tgz", ".tar", ".zip"} {
				stem = strings.TrimSuffix(stem, ext)
			}
			if stem != r.Name {
				r.Warnings = append(r.Warnings, Problem{Kind: WarnArchiveName, Path: base,
					Message: fmt.Sprintf("the bag's folder is %q but the archive is named %q; some repositories expect them to match", r.Name, base)})
				r.Valid = r.Valid && !opt.Strict
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
	rep          *Report
	opt          VerifyOptions
	byName       map[string]entry
	nfc          map[string]string // NFC form -> stored name, for names stored in another form
	manifest     map[string][]ManifestEntry
	major, minor int
	enc          tagEncoding
	info         []tagLine
	infoName     string
	texts        map[string]string // decoded tag files read, by name
	hasFetch     bool
}

func (v *verifier) problem(p Problem) { v.rep.Problems = append(v.rep.Problems, p) }

// warn records a warning about path, said in file at line (file and line
// may be empty and 0).
func (v *verifier) warn(kind, path, file string, line int, format string, args ...any) {
	v.rep.Warnings = append(v.rep.Warnings, Problem{Kind: kind, Path: path, Manifest: file, Line: line,
		Message: at(file, line) + fmt.Sprintf(format, args...)})
}

// at is the start of a message about a line of a file: "bag-info.txt line
// 3: ", "fetch.txt: ", or "".
func at(file string, line int) string {
	switch {
	case file == "":
		return ""
	case line > 0:
		return fmt.Sprintf("%s line %d: ", file, line)
	}
	return file + ": "
}

// since reports whether the bag's version is major.minor or later.
func (v *verifier) since(major, minor int) bool {
	return v.major > major || v.major == major && v.minor >= minor
}

// lookup finds a listed path among the files, also in another Unicode
// normalization form (with a warning).
func (v *verifier) lookup(p, mf string, line int) (entry, bool) {
	if e, ok := v.byName[p]; ok {
		return e, true
	}
	if n, ok := v.nfc[norm.NFC.String(p)]; ok {
		v.warn(WarnNormalization, n, mf, line, "lists %q but the bag stores %q (another Unicode normalization form); treated as the same file", p, n)
		return v.byName[n], true
	}
	return entry{}, false
}

func verifySource(ctx context.Context, src source, opt VerifyOptions) (*Report, error) {
	rep := &Report{Serialization: src.kind(), Name: src.bagName(), Fast: opt.Fast, Strict: opt.Strict, Usable: true,
		Problems: []Problem{}, Warnings: []Problem{}, Algorithms: []string{}, TagAlgorithms: []string{}}
	if opt.Profile != nil {
		rep.Profile = opt.Profile.Identifier()
	}
	v := &verifier{rep: rep, opt: opt, byName: map[string]entry{}, nfc: map[string]string{}, manifest: map[string][]ManifestEntry{}}
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
		v.problem(Problem{Kind: KindNoBagItTxt, Path: "bagit.txt", Message: "bagit.txt: missing: a bag has a bagit.txt at its top level (RFC 8493 section 2.1.1); without it this is not a valid bag"})
		v.finish()
		return rep, nil
	}
	if !v.checkBagItTxt(bt) {
		v.finish()
		return rep, nil
	}
	text := map[string]string{}
	for _, name := range sortedKeys(tags) {
		if name == "bagit.txt" {
			continue
		}
		t, bom, err := v.enc.decode(tags[name])
		if err != nil {
			v.problem(Problem{Kind: KindEncoding, Path: name, Message: fmt.Sprintf("%s: %v, but bagit.txt declares Tag-File-Character-Encoding %s", name, err, v.enc.name)})
			continue
		}
		if bom && !v.enc.utf16 {
			v.warn(WarnBOM, name, name, 1, "starts with a byte-order mark, which BagIt tag files in %s should not have", v.enc.name)
		}
		text[name] = t
	}

	v.texts = text
	v.readInfo(text)

	// payload and tag manifests
	payloadAlgs, tagAlgs := v.manifests(text)
	rep.Algorithms, rep.TagAlgorithms = append([]string{}, payloadAlgs...), append([]string{}, tagAlgs...)
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
	if !src.hasData() {
		v.problem(Problem{Kind: KindNoPayloadDir, Path: "data", Message: "data: missing: a bag has a payload folder data/, even when it is empty (RFC 8493 section 2.1.2)"})
	}
	v.caseClashes(files)
	fetched := v.fetch(text)

	// Completeness: every listed file exists; every payload file is listed
	// in every payload manifest.
	listedIn := map[string][]string{} // stored name -> manifests listing it
	need := map[string]map[string]bool{}
	for _, alg := range payloadAlgs {
		mf := "manifest-" + alg + ".txt"
		for _, me := range v.manifest[mf] {
			e, ok := v.lookup(me.Path, mf, me.Line)
			if !ok {
				if fetched[me.Path] {
					continue // reported as fetch-missing
				}
				v.problem(Problem{Kind: KindMissing, Path: me.Path, Manifest: mf, Line: me.Line, Message: fmt.Sprintf("%s: missing: listed in %s (line %d) but not in the bag", me.Path, mf, me.Line)})
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
				v.problem(Problem{Kind: KindNotInAll, Path: e.name, Manifest: mf, Message: fmt.Sprintf("%s: listed in %s but not in %s", e.name, strings.Join(uniq(in), ", "), mf)})
			}
		}
	}

	// Payload-Oxum
	oxum, oxumLine, hasOxum := v.infoValue("Payload-Oxum")
	if hasOxum {
		v.checkOxum(oxum, oxumLine)
	}
	if opt.Profile != nil {
		v.checkProfile(opt.Profile, files, payloadAlgs, tagAlgs)
	}
	if opt.Fast {
		if !hasOxum {
			return rep, unusable("--fast needs a Payload-Oxum in %s, and this bag has none; verify without --fast", v.infoFile())
		}
		v.finish()
		return rep, nil
	}

	// Tag manifests: which tag files to hash with which algorithms.
	tagListed := map[string][]string{}
	for _, alg := range tagAlgs {
		mf := "tagmanifest-" + alg + ".txt"
		for _, me := range v.manifest[mf] {
			e, ok := v.lookup(me.Path, mf, me.Line)
			if !ok {
				v.problem(Problem{Kind: KindMissing, Path: me.Path, Manifest: mf, Line: me.Line, Message: fmt.Sprintf("%s: missing: listed in %s (line %d) but not in the bag", me.Path, mf, me.Line)})
				continue
			}
			tagListed[e.name] = append(tagListed[e.name], mf)
			if need[e.name] == nil {
				need[e.name] = map[string]bool{}
			}
			need[e.name][alg] = true
		}
	}
	for _, name := range sortedKeys(tagListed) {
		if strings.HasPrefix(name, "data/") {
			continue
		}
		in := tagListed[name]
		for _, alg := range tagAlgs {
			mf := "tagmanifest-" + alg + ".txt"
			if !contains(in, mf) {
				v.problem(Problem{Kind: KindNotInAll, Path: name, Manifest: mf, Message: fmt.Sprintf("%s: listed in %s but not in %s", name, strings.Join(uniq(in), ", "), mf)})
			}
		}
	}
	if len(tagAlgs) > 0 && v.since(0, 97) {
		for _, e := range files {
			if !strings.HasPrefix(e.name, "data/") && !strings.HasPrefix(e.name, "tagmanifest-") && tagListed[e.name] == nil && listedIn[e.name] == nil {
				v.warn(WarnUntaggedTagFile, e.name, "", 0, "%s is a tag file that no tag manifest lists; its content is not checked", e.name)
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
			if strings.HasPrefix(src.kind(), "tar") {
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
				v.problem(Problem{Kind: KindMismatch, Path: e.name, Manifest: mf, Line: me.Line, Algorithm: alg, Expected: me.Digest, Found: got, Message: msg})
			}
		}
	}
	v.finish()
	return rep, nil
}

func (v *verifier) finish() {
	sortProblems := func(ps []Problem) {
		sort.SliceStable(ps, func(i, j int) bool {
			a, b := ps[i], ps[j]
			if a.Path != b.Path {
				return a.Path < b.Path
			}
			if a.Kind != b.Kind {
				return a.Kind < b.Kind
			}
			if a.Manifest != b.Manifest {
				return a.Manifest < b.Manifest
			}
			return a.Line < b.Line
		})
	}
	sortProblems(v.rep.Problems)
	seen := map[string]bool{}
	out := []Problem{}
	for _, w := range v.rep.Warnings {
		if !seen[w.Kind+"\x00"+w.Message] {
			seen[w.Kind+"\x00"+w.Message] = true
			out = append(out, w)
		}
	}
	sortProblems(out)
	v.rep.Warnings = out
	v.rep.Valid = len(v.rep.Problems) == 0 && !(v.opt.Strict && len(v.rep.Warnings) > 0)
}

func isTagToRead(name string) bool {
	return name == "bagit.txt" || name == "bag-info.txt" || name == "package-info.txt" || name == "fetch.txt" || name == "aptrust-info.txt" ||
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

// checkBagItTxt reads bagit.txt: the version and the tag files' encoding.
// It returns false when the other tag files cannot be read (an unknown
// encoding).
func (v *verifier) checkBagItTxt(data []byte) bool {
	const f = "bagit.txt"
	bad := func(line int, format string, args ...any) {
		v.problem(Problem{Kind: KindBagItTxt, Path: f, Manifest: f, Line: line, Message: at(f, line) + fmt.Sprintf(format, args...)})
	}
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		v.problem(Problem{Kind: KindBagItBOM, Path: f, Manifest: f, Line: 1, Message: "bagit.txt line 1: starts with a byte-order mark, which RFC 8493 section 2.1.1 forbids (bagit-python refuses it too)"})
		data = data[3:]
	case bytes.HasPrefix(data, bomUTF16BE) || bytes.HasPrefix(data, bomUTF16LE):
		bad(1, "is UTF-16; bagit.txt is always UTF-8 (only the other tag files follow Tag-File-Character-Encoding)")
		t, _, err := tagEncoding{utf16: true, order: "BE"}.decode(data)
		if err == nil {
			data = []byte(t)
		}
	}
	if !utf8.Valid(data) {
		bad(0, "is not UTF-8 text")
	}
	lines, issues := scanTags(string(data))
	for _, is := range issues {
		bad(is.line, "%s", is.msg)
	}
	var ver, enc *tagLine
	for i := range lines {
		l := &lines[i]
		if l.spaced {
			bad(l.line, "%q has white space before its colon; a label ends at the colon (RFC 8493 section 2.2.2)", l.label)
		}
		switch {
		case strings.EqualFold(l.label, "BagIt-Version") && ver == nil:
			ver = l
		case strings.EqualFold(l.label, "Tag-File-Character-Encoding") && enc == nil:
			enc = l
		}
	}
	v.major, v.minor = 1, 0
	if ver == nil {
		bad(0, "no BagIt-Version line")
	} else {
		v.rep.Version = ver.value
		maj, min, ok := parseVersion(ver.value)
		switch {
		case !ok || maj == 0 && min < 93 || maj > 1 || maj == 1 && min > 0:
			v.problem(Problem{Kind: KindVersion, Path: f, Manifest: f, Line: ver.line, Message: fmt.Sprintf("bagit.txt line %d: BagIt-Version %q is not a version this reader knows (0.93 to 1.0); checked as 1.0", ver.line, truncate(ver.value, 40))})
		default:
			v.major, v.minor = maj, min
		}
	}
	v.enc = tagEncoding{name: "UTF-8", utf8: true}
	if enc == nil {
		bad(0, "no Tag-File-Character-Encoding line; tag files are read as UTF-8")
	} else {
		te, err := lookupEncoding(enc.value)
		if err != nil {
			v.problem(Problem{Kind: KindEncoding, Path: f, Manifest: f, Line: enc.line, Message: fmt.Sprintf("bagit.txt line %d: Tag-File-Character-Encoding %v; the other tag files cannot be read", enc.line, err)})
			v.rep.Encoding = enc.value
			return false
		}
		v.enc = te
		if !te.utf8 {
			v.warn(WarnEncoding, f, f, enc.line, "Tag-File-Character-Encoding is %s; BagIt recommends UTF-8, which every tool reads", te.name)
		}
	}
	v.rep.Encoding = v.enc.name
	if v.major == 1 && len(lines) != 2 {
		bad(0, "has %d lines; BagIt 1.0 requires exactly BagIt-Version and Tag-File-Character-Encoding", len(lines))
	}
	return true
}

// parseVersion reads "MAJOR.MINOR".
func parseVersion(s string) (int, int, bool) {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return 0, 0, false
	}
	maj, err1 := strconv.Atoi(a)
	min, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || maj < 0 || min < 0 || strings.HasPrefix(b, "+") || strings.HasPrefix(a, "+") {
		return 0, 0, false
	}
	return maj, min, true
}

// infoFile is the name of the bag's metadata tag file: package-info.txt
// before BagIt 0.96, bag-info.txt since.
func (v *verifier) infoFile() string {
	if v.infoName != "" {
		return v.infoName
	}
	if !v.since(0, 96) {
		return "package-info.txt"
	}
	return "bag-info.txt"
}

// readInfo parses bag-info.txt (package-info.txt before 0.96).
func (v *verifier) readInfo(text map[string]string) {
	name := v.infoFile()
	t, ok := text[name]
	if !ok && name == "package-info.txt" {
		if t, ok = text["bag-info.txt"]; ok {
			name = "bag-info.txt"
		}
	}
	if !ok {
		if _, there := v.byName[name]; there {
			return // present but not readable: a tag-encoding problem
		}
		if v.since(1, 0) {
			v.warn(WarnNoBagInfo, "bag-info.txt", "", 0, "no bag-info.txt (it is optional, but Payload-Oxum cannot be checked)")
		}
		return
	}
	v.infoName = name
	lines, issues := scanTags(t)
	for _, is := range issues {
		v.problem(Problem{Kind: KindBagInfo, Path: name, Manifest: name, Line: is.line, Message: at(name, is.line) + is.msg})
	}
	for _, l := range lines {
		if l.spaced {
			v.warn(WarnLabelSpace, name, name, l.line, "%q has white space before its colon; a label ends at the colon (RFC 8493 section 2.2.2)", l.label)
		}
	}
	v.info = lines
}

// infoValue returns the first value of label in the metadata file, with its
// line, and warns when the label is repeated.
func (v *verifier) infoValue(label string) (string, int, bool) {
	var first *tagLine
	for i := range v.info {
		if strings.EqualFold(v.info[i].label, label) {
			if first == nil {
				first = &v.info[i]
			} else {
				v.warn(WarnRepeatedField, v.infoName, v.infoName, v.info[i].line, "%s is given again (first on line %d); the first is used", label, first.line)
			}
		}
	}
	if first == nil {
		return "", 0, false
	}
	return first.value, first.line, true
}

func (v *verifier) checkOxum(oxum string, line int) {
	f := v.infoName
	octets, count, ok := strings.Cut(oxum, ".")
	o, err1 := strconv.ParseInt(octets, 10, 64)
	c, err2 := strconv.Atoi(count)
	if !ok || err1 != nil || err2 != nil || o < 0 || c < 0 {
		v.problem(Problem{Kind: KindOxum, Path: f, Manifest: f, Line: line, Message: fmt.Sprintf("%sPayload-Oxum %q is not \"<octets>.<file count>\"", at(f, line), oxum)})
		return
	}
	if o != v.rep.Bytes || c != v.rep.Files {
		v.problem(Problem{Kind: KindOxum, Path: f, Manifest: f, Line: line, Expected: oxum, Found: Oxum(v.rep.Bytes, v.rep.Files),
			Message: fmt.Sprintf("%sPayload-Oxum says %d bytes in %d files; the payload has %d bytes in %d files", at(f, line), o, c, v.rep.Bytes, v.rep.Files)})
	}
}

// manifests parses every manifest and returns the supported payload and tag
// algorithms, sorted.
func (v *verifier) manifests(text map[string]string) (payload, tag []string) {
	for _, name := range sortedKeys(text) {
		isTag := strings.HasPrefix(name, "tagmanifest-")
		if !isTag && !strings.HasPrefix(name, "manifest-") {
			continue
		}
		alg := algOf(name)
		if _, err := newHash(alg); err != nil {
			v.warn(WarnUnsupportedAlg, name, name, 0, "algorithm %q is not supported; this manifest is not checked", alg)
			continue
		}
		entries, bad := parseManifest([]byte(text[name]), alg)
		for _, m := range bad {
			v.problem(Problem{Kind: KindManifest, Path: name, Manifest: name, Line: m.line, Message: at(name, m.line) + m.msg})
		}
		seen := map[string]ManifestEntry{}
		nfcSeen := map[string]string{}
		var keep []ManifestEntry
		for _, me := range entries {
			raw := me.Path
			if checkManifestPath(raw) != nil {
				v.problem(Problem{Kind: KindUnsafeInList, Path: raw, Manifest: name, Line: me.Line, Message: fmt.Sprintf("%s: line %d names %q, which is not a path inside the bag", name, me.Line, truncate(raw, 100))})
				continue
			}
			if c := path.Clean(raw); c != raw {
				v.warn(WarnPathNotNormal, c, name, me.Line, "%q is read as %q (RFC 8493 paths have no \"./\", \"..\" or empty parts)", truncate(raw, 100), c)
				me.Path = c
			}
			switch {
			case !isTag && !strings.HasPrefix(me.Path, "data/"):
				// BagIt 0.96 allowed tag files in payload manifests;
				// later versions do not expect them. Either way the file
				// is checked.
				if v.since(0, 97) {
					v.warn(WarnTagInPayload, me.Path, name, me.Line, "lists %s, which is not in data/ (payload manifests list payload files); its checksum is still checked", me.Path)
				}
			case isTag && strings.HasPrefix(me.Path, "tagmanifest-"):
				v.problem(Problem{Kind: KindManifest, Path: me.Path, Manifest: name, Line: me.Line, Message: fmt.Sprintf("%s: line %d lists %s; tag manifests must not list tag manifests", name, me.Line, me.Path)})
				continue
			}
			if prev, dup := seen[me.Path]; dup {
				switch {
				case prev.Digest != me.Digest:
					v.problem(Problem{Kind: KindDuplicate, Path: me.Path, Manifest: name, Line: me.Line, Message: fmt.Sprintf("%s: line %d lists %s again (first on line %d) with another checksum", name, me.Line, me.Path, prev.Line)})
				case v.since(1, 0):
					v.problem(Problem{Kind: KindDuplicate, Path: me.Path, Manifest: name, Line: me.Line, Message: fmt.Sprintf("%s: line %d lists %s again (first on line %d); BagIt 1.0 lists each file once", name, me.Line, me.Path, prev.Line)})
				default:
					v.warn(WarnDuplicate, me.Path, name, me.Line, "lists %s again (first on line %d) with the same checksum", me.Path, prev.Line)
				}
				continue
			}
			seen[me.Path] = me
			if n := norm.NFC.String(me.Path); nfcSeen[n] != "" && nfcSeen[n] != me.Path {
				v.warn(WarnNormalization, me.Path, name, me.Line, "lists %q and %q, the same name in two Unicode normalization forms", nfcSeen[n], me.Path)
			} else {
				nfcSeen[n] = me.Path
			}
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

// caseClashes warns about names (stored or listed) that differ only in
// letter case: they cannot live side by side on Windows or macOS file
// systems.
func (v *verifier) caseClashes(files []entry) {
	groups := map[string]map[string]bool{}
	add := func(p string) {
		n := norm.NFC.String(p)
		k := strings.ToLower(n)
		if groups[k] == nil {
			groups[k] = map[string]bool{}
		}
		groups[k][n] = true
	}
	for _, e := range files {
		add(e.name)
	}
	for _, mf := range sortedKeys(v.manifest) {
		for _, me := range v.manifest[mf] {
			add(me.Path)
		}
	}
	for _, k := range sortedKeys(groups) {
		if len(groups[k]) > 1 {
			names := sortedKeys(groups[k])
			v.warn(WarnCaseClash, names[0], "", 0, "%s differ only in letter case; they overwrite each other on Windows and macOS file systems", strings.Join(quoteAll(names), " and "))
		}
	}
}

func quoteAll(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = strconv.Quote(s)
	}
	return out
}

func uniq(l []string) []string {
	var out []string
	for _, s := range l {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func checkManifestPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || (len(p) >= 2 && p[1] == ':') || strings.ContainsRune(p, 0) || strings.HasPrefix(p, "~") {
		return ErrUnsafeEntry
	}
	c := path.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return ErrUnsafeEntry
	}
	return nil
}

// fetch checks fetch.txt: its syntax, that its paths stay inside the bag,
// and that every file it lists is in the bag with the length it gives (a
// bag is complete once its fetch.txt files are all present). verify never
// downloads. It returns the paths listed.
func (v *verifier) fetch(text map[string]string) map[string]bool {
	const f = "fetch.txt"
	out := map[string]bool{}
	t, ok := text[f]
	if !ok {
		return out
	}
	v.hasFetch = true
	entries, bad := parseFetch(t)
	for _, is := range bad {
		v.problem(Problem{Kind: KindFetch, Path: f, Manifest: f, Line: is.line, Message: at(f, is.line) + is.msg})
	}
	for _, e := range entries {
		if checkManifestPath(e.Path) != nil {
			v.problem(Problem{Kind: KindUnsafeInList, Path: e.Path, Manifest: f, Line: e.Line, Message: fmt.Sprintf("%s: line %d names %q, which is not a path inside the bag", f, e.Line, truncate(e.Path, 100))})
			continue
		}
		p := path.Clean(e.Path)
		if p != e.Path {
			v.warn(WarnPathNotNormal, p, f, e.Line, "%q is read as %q", truncate(e.Path, 100), p)
		}
		if !strings.HasPrefix(p, "data/") {
			v.warn(WarnFetchOutsideData, p, f, e.Line, "lists %s, which is not in data/ (fetch.txt lists payload files)", p)
		}
		out[p] = true
		got, ok := v.byName[p]
		if !ok {
			if n, ok2 := v.nfc[norm.NFC.String(p)]; ok2 {
				got, ok = v.byName[n], true
			}
		}
		switch {
		case !ok:
			v.problem(Problem{Kind: KindFetchMissing, Path: p, Manifest: f, Line: e.Line, Message: fmt.Sprintf("%s: not in the bag: fetch.txt line %d says to download it from %s; vitrine verify never downloads, so the bag is not complete until it is fetched", p, e.Line, truncate(e.URL, 100))})
		case e.Length >= 0 && got.size != e.Length:
			v.problem(Problem{Kind: KindFetchSize, Path: p, Manifest: f, Line: e.Line, Expected: strconv.FormatInt(e.Length, 10), Found: strconv.FormatInt(got.size, 10),
				Message: fmt.Sprintf("%s: %d bytes, but fetch.txt line %d says %d", p, got.size, e.Line, e.Length)})
		}
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
