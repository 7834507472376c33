package bagit

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

// Profile is a BagIt profile (BagIt Profiles specification 1.1 to 1.4): the
// rules a repository sets for the bags it accepts, on top of BagIt itself.
// Lists that a profile leaves out are nil (no rule); an empty list is a rule
// that allows nothing.
type Profile struct {
	Info struct {
		Identifier          string `json:"BagIt-Profile-Identifier"`
		SpecVersion         string `json:"BagIt-Profile-Version"`
		SourceOrganization  string `json:"Source-Organization"`
		ExternalDescription string `json:"External-Description"`
		Version             string `json:"Version"`
		ContactName         string `json:"Contact-Name,omitempty"`
		ContactEmail        string `json:"Contact-Email,omitempty"`
	} `json:"BagIt-Profile-Info"`
	BagInfo              map[string]BagInfoRule `json:"Bag-Info"`
	ManifestsRequired    []string               `json:"Manifests-Required"`
	ManifestsAllowed     []string               `json:"Manifests-Allowed"`
	AllowFetch           *bool                  `json:"Allow-Fetch.txt"`
	FetchRequired        bool                   `json:"Fetch.txt-Required"`
	DataEmpty            bool                   `json:"Data-Empty"`
	Serialization        string                 `json:"Serialization"`
	AcceptSerialization  []string               `json:"Accept-Serialization"`
	AcceptBagItVersion   []string               `json:"Accept-BagIt-Version"`
	TagManifestsRequired []string               `json:"Tag-Manifests-Required"`
	TagManifestsAllowed  []string               `json:"Tag-Manifests-Allowed"`
	TagFilesRequired     []string               `json:"Tag-Files-Required"`
	TagFilesAllowed      []string               `json:"Tag-Files-Allowed"`
	PayloadFilesRequired []string               `json:"Payload-Files-Required"`
	PayloadFilesAllowed  []string               `json:"Payload-Files-Allowed"`
}

// BagInfoRule is a profile's rule for one bag-info.txt field.
type BagInfoRule struct {
	Required bool `json:"required"`
	// Values lists the values allowed (any when empty).
	Values []string `json:"values,omitempty"`
	// Repeatable is true unless the profile says false.
	Repeatable  *bool  `json:"repeatable,omitempty"`
	Description string `json:"description,omitempty"`
}

// Identifier is the profile's URI (BagIt-Profile-Identifier).
func (p *Profile) Identifier() string { return p.Info.Identifier }

//go:embed profiles/*.json
var profileFiles embed.FS

// knownProfiles are the profile documents shipped with vitrine, by short
// name: the profiles its bags are built to.
var knownProfiles = map[string]string{
	ProfileBTR:     "profiles/btr-bagit-profile-1.0.json",
	ProfileAPTrust: "profiles/aptrust-bagit-profile-2.2.json",
}

// KnownProfiles returns the identifiers (URIs) of the profiles shipped with
// vitrine, sorted; LoadProfile resolves them without the network.
func KnownProfiles() []string {
	var out []string
	for _, name := range sortedKeys(knownProfiles) {
		p, err := knownProfile(name)
		if err == nil {
			out = append(out, p.Identifier())
		}
	}
	sort.Strings(out)
	return out
}

func knownProfile(name string) (*Profile, error) {
	data, err := profileFiles.ReadFile(knownProfiles[name])
	if err != nil {
		return nil, err
	}
	return ParseProfile(data)
}

// LoadProfile reads a BagIt profile from ref: the identifier (URI) of a
// profile shipped with vitrine (see KnownProfiles) or its short name (btr,
// aptrust), resolved offline, or the path of a profile's JSON file. It
// never uses the network: another URL is refused with the advice to
// download the profile and give its file.
func LoadProfile(ref string) (*Profile, error) {
	for _, name := range sortedKeys(knownProfiles) {
		p, err := knownProfile(name)
		if err != nil {
			return nil, fmt.Errorf("shipped profile %s: %w", name, err)
		}
		if ref == name || ref == p.Identifier() {
			return p, nil
		}
	}
	if strings.Contains(ref, "://") {
		return nil, fmt.Errorf("profile %s is not one shipped with vitrine (%s), and verify does not download; save the profile's JSON and give its file", ref, strings.Join(KnownProfiles(), ", "))
	}
	data, err := os.ReadFile(ref)
	if err != nil {
		return nil, fmt.Errorf("reading the profile: %w", err)
	}
	p, err := ParseProfile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return p, nil
}

// ParseProfile reads a profile's JSON and checks that it is a usable
// profile: an identifier, at least one accepted BagIt version, a known
// Serialization value with the MIME types it needs, required manifests
// among the allowed ones.
func ParseProfile(data []byte) (*Profile, error) {
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a BagIt profile (JSON): %w", err)
	}
	var bad []string
	if p.Info.Identifier == "" {
		bad = append(bad, "BagIt-Profile-Info has no BagIt-Profile-Identifier")
	}
	if len(p.AcceptBagItVersion) == 0 {
		bad = append(bad, "Accept-BagIt-Version lists no version")
	}
	switch p.Serialization {
	case "", "optional", "required":
		if p.Serialization != "" && len(p.AcceptSerialization) == 0 {
			bad = append(bad, fmt.Sprintf("Serialization is %s but Accept-Serialization lists no MIME type", p.Serialization))
		}
	case "forbidden":
	default:
		bad = append(bad, fmt.Sprintf("Serialization %q is not forbidden, required or optional", p.Serialization))
	}
	for _, pair := range []struct {
		name          string
		req, allowed  []string
		allowedListed bool
	}{
		{"Manifests", p.ManifestsRequired, p.ManifestsAllowed, p.ManifestsAllowed != nil},
		{"Tag-Manifests", p.TagManifestsRequired, p.TagManifestsAllowed, p.TagManifestsAllowed != nil},
	} {
		for _, a := range pair.req {
			if pair.allowedListed && !contains(pair.allowed, a) {
				bad = append(bad, fmt.Sprintf("%s-Required lists %s, which %s-Allowed does not", pair.name, a, pair.name))
			}
		}
	}
	if p.FetchRequired && p.AllowFetch != nil && !*p.AllowFetch {
		bad = append(bad, "Fetch.txt-Required is true but Allow-Fetch.txt is false")
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("not a usable BagIt profile: %s", strings.Join(bad, "; "))
	}
	return &p, nil
}

// otherTagFileRules are rules for tag files other than bag-info.txt, which
// the profiles format cannot state, for the profiles shipped with vitrine
// that have them: APTrust's aptrust-info.txt (Title; Access; Storage-Option,
// "Standard" when absent).
var otherTagFileRules = map[string]map[string]map[string]BagInfoRule{
	APTrustProfileURI: {"aptrust-info.txt": {
		"Title":  {Required: true},
		"Access": {Required: true, Values: []string{"Consortia", "Institution", "Restricted"}},
		"Storage-Option": {Values: []string{"Standard", "Glacier-OH", "Glacier-OR", "Glacier-VA",
			"Glacier-Deep-OH", "Glacier-Deep-OR", "Glacier-Deep-VA", "Wasabi-OR", "Wasabi-VA"}},
	}},
}

// serializationTypes are the MIME types that name each serialization.
var serializationTypes = map[string][]string{
	"zip":    {"application/zip", "application/x-zip", "application/x-zip-compressed"},
	"tar":    {"application/tar", "application/x-tar"},
	"tar.gz": {"application/gzip", "application/x-gzip", "application/tar+gzip", "application/x-compressed-tar", "application/x-gtar"},
}

// checkProfile checks the bag against p, each broken rule a problem.
func (v *verifier) checkProfile(p *Profile, files []entry, payloadAlgs, tagAlgs []string) {
	id := p.Identifier()
	bad := func(kind, file, format string, args ...any) {
		prefix := file + ": "
		if file == "" {
			prefix = "serialization: "
		}
		v.problem(Problem{Kind: kind, Path: file, Message: prefix + fmt.Sprintf(format, args...)})
	}
	info := v.infoFile()

	// BagIt version and serialization.
	if !contains(p.AcceptBagItVersion, v.rep.Version) {
		bad(KindProfileVersion, "bagit.txt", "BagIt-Version %s is not one the profile accepts (%s)", v.rep.Version, strings.Join(p.AcceptBagItVersion, ", "))
	}
	kind := v.rep.Serialization
	switch {
	case kind == "folder" && p.Serialization == "required":
		bad(KindProfileSerialization, "", "the bag is a folder; the profile requires it serialized as %s", strings.Join(p.AcceptSerialization, " or "))
	case kind != "folder" && p.Serialization == "forbidden":
		bad(KindProfileSerialization, "", "the bag is a %s; the profile forbids serialized bags", kind)
	case kind != "folder" && p.AcceptSerialization != nil:
		ok := false
		for _, t := range serializationTypes[kind] {
			ok = ok || containsFold(p.AcceptSerialization, t)
		}
		if !ok {
			bad(KindProfileSerialization, "", "the bag is a %s (%s); the profile accepts %s", kind, serializationTypes[kind][0], strings.Join(p.AcceptSerialization, ", "))
		}
	}

	// bag-info.txt fields.
	values := map[string][]tagLine{}
	for _, l := range v.info {
		k := strings.ToLower(l.label)
		values[k] = append(values[k], l)
	}
	ids := values[strings.ToLower("BagIt-Profile-Identifier")]
	if len(ids) == 0 {
		v.problem(Problem{Kind: KindProfileIdentifier, Path: info, Message: fmt.Sprintf("%s: no BagIt-Profile-Identifier; a bag made to profile %s names it there", info, id)})
	} else {
		found := false
		for _, l := range ids {
			found = found || l.value == id
		}
		if !found {
			v.warn(WarnProfileID, info, info, ids[0].line, "BagIt-Profile-Identifier is %s, not the profile checked (%s)", ids[0].value, id)
		}
	}
	v.checkFields(info, values, p.BagInfo, KindProfileBagInfo)
	for _, file := range sortedKeys(otherTagFileRules[id]) {
		t, ok := v.texts[file]
		if !ok {
			continue // its absence is Tag-Files-Required's business
		}
		lines, _ := scanTags(t)
		vals := map[string][]tagLine{}
		for _, l := range lines {
			k := strings.ToLower(l.label)
			vals[k] = append(vals[k], l)
		}
		v.checkFields(file, vals, otherTagFileRules[id][file], KindProfileTagFile)
	}

	// Manifests and tag manifests, by the files present (also those of
	// algorithms this reader cannot compute).
	var manifestAlgs, tagManifestAlgs []string
	var tagFiles, payload []entry
	for _, e := range files {
		switch {
		case strings.HasPrefix(e.name, "data/"):
			payload = append(payload, e)
		case strings.Contains(e.name, "/"):
			tagFiles = append(tagFiles, e)
		case strings.HasPrefix(e.name, "tagmanifest-") && strings.HasSuffix(e.name, ".txt"):
			tagManifestAlgs = append(tagManifestAlgs, algOf(e.name))
		case strings.HasPrefix(e.name, "manifest-") && strings.HasSuffix(e.name, ".txt"):
			manifestAlgs = append(manifestAlgs, algOf(e.name))
		default:
			tagFiles = append(tagFiles, e)
		}
	}
	for _, m := range []struct {
		kind, what, prefix string
		have, req, allowed []string
		allowedListed      bool
	}{
		{KindProfileManifest, "payload manifest", "manifest-", manifestAlgs, p.ManifestsRequired, p.ManifestsAllowed, p.ManifestsAllowed != nil},
		{KindProfileTagManifest, "tag manifest", "tagmanifest-", tagManifestAlgs, p.TagManifestsRequired, p.TagManifestsAllowed, p.TagManifestsAllowed != nil},
	} {
		for _, a := range m.req {
			if !contains(m.have, a) {
				bad(m.kind, m.prefix+a+".txt", "missing: the profile requires a %s %s", a, m.what)
			}
		}
		if m.allowedListed {
			for _, a := range m.have {
				if !contains(m.allowed, a) {
					bad(m.kind, m.prefix+a+".txt", "the profile allows %s %ss only", strings.Join(m.allowed, ", "), m.what)
				}
			}
		}
	}

	// fetch.txt
	if p.AllowFetch != nil && !*p.AllowFetch && v.hasFetch {
		bad(KindProfileFetch, "fetch.txt", "the profile does not allow fetch.txt")
	}
	if p.FetchRequired && !v.hasFetch {
		bad(KindProfileFetch, "fetch.txt", "missing: the profile requires fetch.txt")
	}

	// Other tag files.
	has := map[string]bool{}
	for _, e := range files {
		has[e.name] = true
	}
	for _, t := range p.TagFilesRequired {
		if !has[strings.TrimPrefix(t, "./")] {
			bad(KindProfileTagFile, t, "missing: the profile requires this tag file")
		}
	}
	if p.TagFilesAllowed != nil {
		for _, e := range tagFiles {
			if isReservedTag(e.name) || e.name == "package-info.txt" {
				continue
			}
			if !matchAny(p.TagFilesAllowed, e.name) {
				bad(KindProfileTagFile, e.name, "a tag file the profile does not allow (it allows %s)", strings.Join(p.TagFilesAllowed, ", "))
			}
		}
	}

	// Payload.
	for _, want := range p.PayloadFilesRequired {
		w := strings.TrimPrefix(want, "./")
		ok := has[w]
		if strings.HasSuffix(w, "/") {
			for _, e := range payload {
				ok = ok || strings.HasPrefix(e.name, w)
			}
		}
		if !ok {
			bad(KindProfilePayload, w, "missing: the profile requires this payload file")
		}
	}
	if p.PayloadFilesAllowed != nil {
		for _, e := range payload {
			if !matchAny(p.PayloadFilesAllowed, e.name) {
				bad(KindProfilePayload, e.name, "a payload file the profile does not allow (it allows %s)", strings.Join(p.PayloadFilesAllowed, ", "))
			}
		}
	}
	if p.DataEmpty && (len(payload) > 1 || len(payload) == 1 && payload[0].size != 0) {
		bad(KindProfilePayload, "data", "the profile requires an empty payload (at most one zero-byte file); it has %d files, %d bytes", v.rep.Files, v.rep.Bytes)
	}
}

// checkFields checks the fields of a tag file (values by lower-case label)
// against a profile's rules.
func (v *verifier) checkFields(file string, values map[string][]tagLine, rules map[string]BagInfoRule, kind string) {
	bad := func(format string, args ...any) {
		v.problem(Problem{Kind: kind, Path: file, Message: file + ": " + fmt.Sprintf(format, args...)})
	}
	for _, label := range sortedKeys(rules) {
		rule := rules[label]
		got := values[strings.ToLower(label)]
		nonEmpty := false
		for _, l := range got {
			nonEmpty = nonEmpty || l.value != ""
		}
		if rule.Required && !nonEmpty {
			if len(got) == 0 {
				bad("no %s; the profile requires it", label)
			} else {
				bad("%s (line %d) is empty; the profile requires a value", label, got[0].line)
			}
		}
		if rule.Repeatable != nil && !*rule.Repeatable && len(got) > 1 {
			bad("%s is given %d times (lines %d and %d); the profile allows it once", label, len(got), got[0].line, got[1].line)
		}
		if len(rule.Values) > 0 {
			for _, l := range got {
				if !contains(rule.Values, l.value) {
					bad("%s (line %d) is %q; the profile allows %s", label, l.line, truncate(l.value, 80), strings.Join(quoteAll(rule.Values), ", "))
				}
			}
		}
	}
}

// matchAny reports whether name matches one of the glob patterns (a "*"
// stands for any characters but "/", as in glob(7)).
func matchAny(patterns []string, name string) bool {
	for _, pat := range patterns {
		pat = strings.TrimPrefix(pat, "./")
		if ok, err := path.Match(pat, name); err == nil && ok {
			return true
		}
		if pat == name {
			return true
		}
	}
	return false
}

func containsFold(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}
