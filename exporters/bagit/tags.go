package bagit

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is one label/value line of bag-info.txt (or aptrust-info.txt).
type Field struct {
	Label, Value string
}

// CleanValue makes a tag value safe to write on one logical line: every run
// of white space (including CR, LF, tab, U+2028 and U+2029) becomes one
// space, other control characters are dropped, and the ends are trimmed. No
// text from an exhibition can therefore add a line or a field to a tag file.
func CleanValue(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			space = true
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cleanLabel keeps a label to printable ASCII without ":" or spaces.
func cleanLabel(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7f && r != ':' {
			b.WriteRune(r)
		} else if r == ' ' {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// foldWidth is the width tag lines are folded at.
const foldWidth = 79

// FormatTags writes fields as a tag file: "Label: value" lines with LF ends,
// values cleaned with CleanValue and folded at spaces onto continuation
// lines indented by two spaces when longer than 79 characters (RFC 8493
// section 2.2.2). ParseTags reads the value back unchanged.
func FormatTags(fields []Field) []byte {
	var b bytes.Buffer
	for _, f := range fields {
		label := cleanLabel(f.Label)
		if label == "" {
			continue
		}
		b.WriteString(label + ":")
		width := utf8.RuneCountInString(label) + 1
		words := strings.Split(CleanValue(f.Value), " ")
		for i, w := range words {
			n := utf8.RuneCountInString(w)
			if i > 0 && width+1+n > foldWidth {
				b.WriteString("\n ")
				width = 1
			}
			b.WriteByte(' ')
			b.WriteString(w)
			width += 1 + n
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// splitLines splits a tag file at LF, CR or CRLF. A final line end does not
// start an empty line.
func splitLines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// ParseTags reads a tag file of "Label: value" lines, joining continuation
// lines (starting with a space or tab) to the previous value with one space.
// It returns the fields in order and one message per malformed line.
func ParseTags(data []byte) ([]Field, []string) {
	var bad []string
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		bad = append(bad, "is not UTF-8 text")
	}
	lines, issues := scanTags(string(data))
	for _, is := range issues {
		bad = append(bad, fmt.Sprintf("line %d: %s", is.line, is.msg))
	}
	fields := make([]Field, len(lines))
	for i, l := range lines {
		fields[i] = Field{Label: l.label, Value: l.value}
	}
	return fields, bad
}

// tagLine is one field of a tag file with where it starts.
type tagLine struct {
	label, value string
	line         int // 1-based line of the label
	// spaced is set when white space stands between the label and its
	// colon ("BagIt-Version : 1.0"), which RFC 8493 section 2.2.2 does not
	// allow (a label ends at its colon).
	spaced bool
}

// tagIssue is a malformed line of a tag file.
type tagIssue struct {
	line int
	msg  string
}

// scanTags reads decoded tag file text into fields (labels and values
// trimmed, continuation lines joined with one space) and the malformed
// lines. It does not judge the fields.
func scanTags(text string) ([]tagLine, []tagIssue) {
	var out []tagLine
	var bad []tagIssue
	for i, line := range splitLines([]byte(text)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(out) == 0 {
				bad = append(bad, tagIssue{i + 1, "continuation line before any label"})
				continue
			}
			out[len(out)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(label) == "" {
			bad = append(bad, tagIssue{i + 1, fmt.Sprintf("%q is not \"Label: value\"", truncate(line, 60))})
			continue
		}
		trimmed := strings.TrimSpace(label)
		out = append(out, tagLine{label: trimmed, value: strings.TrimSpace(value), line: i + 1, spaced: trimmed != label})
	}
	return out, bad
}

// Get returns the first value of label (compared case-insensitively) and
// whether it is present.
func Get(fields []Field, label string) (string, bool) {
	for _, f := range fields {
		if strings.EqualFold(f.Label, label) {
			return f.Value, true
		}
	}
	return "", false
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "..."
}

// BagItTxt is the content of bagit.txt for BagIt 1.0.
const BagItTxt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

// ManifestEntry is one line of a manifest: a file's path (decoded) and its
// digest in lower-case hex.
type ManifestEntry struct {
	Path   string
	Digest string
	Line   int
}

// FormatManifest writes a manifest: "<digest> <path>" lines, LF ends, sorted
// by path, paths encoded with EncodePath.
//
// A path that begins with white space or "*" cannot be written bare: readers
// skip the white space between checksum and path, and take a leading "*" as
// md5sum's binary-mode marker. Such a path gets that marker in front ("*"),
// which ParseManifest (and md5sum -c) remove, so every non-empty path reads
// back as written. vitrine's own bags never need it (their paths begin with
// "data/" or a tag file's name).
func FormatManifest(sums map[string]string) []byte {
	paths := make([]string, 0, len(sums))
	for p := range sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b bytes.Buffer
	for _, p := range paths {
		b.WriteString(sums[p])
		b.WriteString("  ")
		if strings.HasPrefix(p, "*") || strings.HasPrefix(p, " ") || strings.HasPrefix(p, "\t") {
			b.WriteByte('*')
		}
		b.WriteString(EncodePath(p))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseManifest reads a manifest's lines: a hex digest, white space, and a
// path with %0A, %0D and %25 decoded. Lines may end in LF, CR or CRLF. A
// leading "*" before the path (written by md5sum's binary mode) is removed.
// It returns the entries in order and one message per malformed line.
func ParseManifest(data []byte, alg string) ([]ManifestEntry, []string) {
	out, issues := parseManifest(data, alg)
	var bad []string
	for _, is := range issues {
		bad = append(bad, fmt.Sprintf("line %d: %s", is.line, is.msg))
	}
	return out, bad
}

// parseManifest is ParseManifest with the malformed lines' numbers apart.
func parseManifest(data []byte, alg string) ([]ManifestEntry, []tagIssue) {
	var out []ManifestEntry
	var bad []tagIssue
	want := 0
	if h, err := newHash(alg); err == nil {
		want = h.Size() * 2
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	for i, line := range splitLines(data) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		j := strings.IndexAny(line, " \t")
		if j <= 0 {
			bad = append(bad, tagIssue{i + 1, fmt.Sprintf("%q is not \"<checksum> <path>\"", truncate(line, 60))})
			continue
		}
		digest := strings.ToLower(line[:j])
		p := strings.TrimLeft(line[j:], " \t")
		p = strings.TrimPrefix(p, "*")
		if p == "" {
			bad = append(bad, tagIssue{i + 1, "no path after the checksum"})
			continue
		}
		if !isHex(digest) || (want > 0 && len(digest) != want) {
			bad = append(bad, tagIssue{i + 1, fmt.Sprintf("%q is not a %s checksum (%d hexadecimal digits)", truncate(line[:j], 40), alg, want)})
			continue
		}
		out = append(out, ManifestEntry{Path: DecodePath(p), Digest: digest, Line: i + 1})
	}
	return out, bad
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}
