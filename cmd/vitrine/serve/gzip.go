package serve

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// compressible reports whether the file name is sent gzip-compressed to
// clients that accept it: JSON (manifests, info.json, collections), which
// shrinks several times over and which the IIIF validators expect
// compressed. Images, EPUBs and archives are compressed already.
func compressible(name string) bool {
	return strings.EqualFold(path.Ext(name), ".json")
}

// acceptsGzip reports whether an Accept-Encoding header value accepts gzip
// (RFC 9110 §12.5.3): gzip, x-gzip or "*" with a quality above zero.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch coding {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// gzipped returns the gzip-compressed bytes of r. Files compressed are
// JSON files of a build: a few kilobytes to a few megabytes.
func gzipped(r io.Reader) (*bytes.Reader, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.Copy(zw, r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return bytes.NewReader(b.Bytes()), nil
}

// gzipETag is the validator of the compressed form: another one than the
// file's, since the bytes differ (RFC 9110 §8.8.3).
func gzipETag(st fs.FileInfo) string {
	return fmt.Sprintf(`"%x-%x-gzip"`, st.Size(), st.ModTime().UnixNano())
}
