package bagit

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// FetchEntry is one line of fetch.txt: where a file of the bag can be
// downloaded from, its length (-1 when written as "-") and its path in the
// bag (decoded as in manifests).
type FetchEntry struct {
	URL    string
	Length int64
	Path   string
	Line   int
}

// ParseFetch reads fetch.txt text (RFC 8493 section 2.2.3): lines of
// "<url> <length> <path>", the length a number of bytes or "-", the path
// encoded like a manifest's. It returns the entries and one issue per
// malformed line; it checks neither the paths' safety nor the files.
func ParseFetch(text string) ([]FetchEntry, []string) {
	out, issues := parseFetch(text)
	var bad []string
	for _, is := range issues {
		bad = append(bad, fmt.Sprintf("line %d: %s", is.line, is.msg))
	}
	return out, bad
}

func parseFetch(text string) ([]FetchEntry, []tagIssue) {
	var out []FetchEntry
	var bad []tagIssue
	for i, line := range splitLines([]byte(text)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			bad = append(bad, tagIssue{i + 1, fmt.Sprintf("%q is not \"<url> <length> <path>\"", truncate(line, 80))})
			continue
		}
		// The path is everything after the second field, spaces included.
		rest := strings.TrimLeft(line, " \t")
		rest = strings.TrimLeft(rest[len(f[0]):], " \t")
		rest = strings.TrimLeft(rest[len(f[1]):], " \t")
		e := FetchEntry{URL: f[0], Length: -1, Path: DecodePath(rest), Line: i + 1}
		if f[1] != "-" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || n < 0 {
				bad = append(bad, tagIssue{i + 1, fmt.Sprintf("length %q is neither a number of bytes nor \"-\"", truncate(f[1], 40))})
				continue
			}
			e.Length = n
		}
		if u, err := url.Parse(e.URL); err != nil || u.Scheme == "" || (u.Host == "" && u.Scheme != "file") {
			bad = append(bad, tagIssue{i + 1, fmt.Sprintf("%q is not a URL (it needs a scheme and a host)", truncate(e.URL, 80))})
			continue
		}
		out = append(out, e)
	}
	return out, bad
}
