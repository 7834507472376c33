package bagit

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// tagEncoding is the character encoding bagit.txt declares for the other
// tag files (Tag-File-Character-Encoding).
type tagEncoding struct {
	// name is the encoding's canonical name, as printed in reports.
	name string
	// utf8 and utf16 select the built-in decoders; otherwise dec is used.
	utf8, utf16 bool
	// order is the byte order of UTF-16 without a byte-order mark:
	// "BE" for "UTF-16" (RFC 2781) and UTF-16BE, "LE" for UTF-16LE.
	order string
	dec   encoding.Encoding
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF16LE = []byte{0xFF, 0xFE}
)

// lookupEncoding finds the decoder for a Tag-File-Character-Encoding value:
// UTF-8, UTF-16 (with a byte-order mark; big-endian without one), UTF-16LE,
// UTF-16BE, ISO-8859-1 (also as Latin-1), and any other character set the
// IANA registry names.
func lookupEncoding(name string) (tagEncoding, error) {
	n := strings.ToUpper(strings.TrimSpace(name))
	switch strings.NewReplacer("_", "-", " ", "-").Replace(n) {
	case "UTF-8", "UTF8":
		return tagEncoding{name: "UTF-8", utf8: true}, nil
	case "US-ASCII", "ASCII", "ANSI-X3.4-1968":
		// a subset of UTF-8; a byte above 127 is still read as UTF-8
		return tagEncoding{name: "US-ASCII", utf8: true}, nil
	case "UTF-16", "UTF16":
		return tagEncoding{name: "UTF-16", utf16: true, order: "BE"}, nil
	case "UTF-16BE":
		return tagEncoding{name: "UTF-16BE", utf16: true, order: "BE"}, nil
	case "UTF-16LE":
		return tagEncoding{name: "UTF-16LE", utf16: true, order: "LE"}, nil
	case "ISO-8859-1", "ISO8859-1", "LATIN-1", "LATIN1", "L1", "ISO-IR-100", "CP819", "IBM819":
		return tagEncoding{name: "ISO-8859-1", dec: charmap.ISO8859_1}, nil
	}
	e, err := ianaindex.IANA.Encoding(strings.TrimSpace(name))
	if err != nil || e == nil {
		return tagEncoding{}, fmt.Errorf("%q is not a character encoding this reader knows (IANA names such as UTF-8, UTF-16, ISO-8859-1)", name)
	}
	canon, err := ianaindex.IANA.Name(e)
	if err != nil {
		canon = strings.TrimSpace(name)
	}
	return tagEncoding{name: canon, dec: e}, nil
}

// decode turns a tag file's bytes into text. bom reports a byte-order
// mark found (and removed) at the start. The error says why the bytes are
// not text in this encoding.
func (te tagEncoding) decode(data []byte) (text string, bom bool, err error) {
	switch {
	case te.utf8:
		if bytes.HasPrefix(data, bomUTF8) {
			data, bom = data[3:], true
		}
		if !utf8.Valid(data) {
			return "", bom, fmt.Errorf("is not valid UTF-8 (byte %d)", firstInvalidUTF8(data))
		}
		return string(data), bom, nil
	case te.utf16:
		order := te.order
		switch {
		case bytes.HasPrefix(data, bomUTF16BE):
			data, bom, order = data[2:], true, "BE"
		case bytes.HasPrefix(data, bomUTF16LE):
			data, bom, order = data[2:], true, "LE"
		}
		if len(data)%2 != 0 {
			return "", bom, fmt.Errorf("has an odd number of bytes, so it is not UTF-16")
		}
		e := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
		if order == "LE" {
			e = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		}
		out, err := e.NewDecoder().Bytes(data)
		if err != nil {
			return "", bom, fmt.Errorf("is not valid UTF-16: %v", err)
		}
		if bytes.ContainsRune(out, utf8.RuneError) {
			return "", bom, fmt.Errorf("is not valid UTF-16 (an unpaired surrogate)")
		}
		return string(out), bom, nil
	}
	if bytes.HasPrefix(data, bomUTF8) {
		// not a mark in a single-byte encoding, but surely meant as one
		data, bom = data[3:], true
	}
	out, err := te.dec.NewDecoder().Bytes(data)
	if err != nil {
		return "", false, fmt.Errorf("is not valid %s: %v", te.name, err)
	}
	return string(out), bom, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
