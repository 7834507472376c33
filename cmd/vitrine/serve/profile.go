package serve

import (
	"encoding/json"
	"io"
)

// Content types of IIIF resources of API version 2 (Presentation 2.1 §7,
// Image 2.1 §5), written by `vitrine build --iiif-version 2`.
const (
	Presentation2Type = `application/ld+json;profile="http://iiif.io/api/presentation/2/context.json"`
	ImageInfo2Type    = `application/ld+json;profile="http://iiif.io/api/image/2/context.json"`
)

// contextPeek bounds how much of a IIIF JSON file is read to find its
// top-level @context (vitrine writes it first).
const contextPeek = 64 << 10

// contentTypeOf is ContentType(name), except that IIIF JSON whose top-level
// @context names version 2 of its API gets version 2's profile. It reads at
// most the first contextPeek bytes of f and seeks f back to its start; a
// file whose @context is not found there keeps ContentType's (version 3)
// type.
func contentTypeOf(name string, f io.ReadSeeker) string {
	ct := ContentType(name)
	var want, v2 string
	switch ct {
	case PresentationType:
		want, v2 = "http://iiif.io/api/presentation/2/context.json", Presentation2Type
	case ImageInfoType:
		want, v2 = "http://iiif.io/api/image/2/context.json", ImageInfo2Type
	default:
		return ct
	}
	found := false
	for _, c := range topContexts(io.LimitReader(f, contextPeek)) {
		found = found || c == want
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ct
	}
	if found {
		return v2
	}
	return ct
}

// topContexts returns the URIs of the top-level "@context" of the JSON
// object read from r (a string or an array of them), or nil when r does
// not hold a JSON object with one before it ends.
func topContexts(r io.Reader) []string {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if t != "@context" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		var v any
		if dec.Decode(&v) != nil {
			return nil
		}
		var out []string
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
		}
		return out
	}
	return nil
}
