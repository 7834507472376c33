// Package embedded deals with what an image file carries besides its
// pixels: camera EXIF (GPS position, serial numbers, owner, maker notes,
// thumbnails), XMP, IPTC, comments and colour profiles. Survey says what a
// master carries; StripJPEG rewrites a JPEG without any of it, losslessly
// (the compressed scan data is copied as it is); WithXMP adds an XMP packet
// of rights and creator to a JPEG, for access copies that carry them on
// purpose.
package embedded

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// StripJPEG returns a JPEG with the same compressed image as data and only
// what a decoder needs: the frame, tables, restart interval and scans, the
// JFIF APP0 segment (without its thumbnail) and the Adobe APP14 segment
// (which says how to read the colour channels). Every other APP segment
// (EXIF and its thumbnail, XMP, ICC profiles, IPTC, MPF, maker data), every
// comment and anything after the first EOI (the extra images of an MPF
// file) is dropped; a file with nothing to drop is returned as it is (the
// same slice). Call it only for a JPEG whose EXIF orientation is
// already neutral and whose colours are sRGB or untagged, since both are
// dropped with the rest.
func StripJPEG(data []byte) ([]byte, error) {
	parts, err := StripJPEGParts(data)
	if err != nil {
		return nil, err
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return bytes.Join(parts, nil), nil
}

// StripJPEGParts is StripJPEG without copying the image data: the file is
// the concatenation of the parts, slices of data (the kept segments and
// the scans) and a rewritten JFIF segment; a file with nothing to drop is
// one part, data itself. Write them in order.
func StripJPEGParts(data []byte) ([][]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errors.New("embedded: not a JPEG (no SOI marker)")
	}
	var parts [][]byte
	run := 0                                 // start of the run of data kept as it is
	drop := func(p, q int, instead []byte) { // drop data[p:q]
		if p > run {
			parts = append(parts, data[run:p])
		}
		if instead != nil {
			parts = append(parts, instead)
		}
		run = q
	}
	p := 2
	for {
		if p+2 > len(data) {
			return nil, errors.New("embedded: JPEG ends before its EOI marker")
		}
		if data[p] != 0xFF {
			return nil, fmt.Errorf("embedded: JPEG marker expected at byte %d", p)
		}
		m := data[p+1]
		switch {
		case m == 0xFF: // fill byte
			p++
			continue
		case m == 0xD9: // EOI; anything after it is dropped
			if run < p+2 {
				parts = append(parts, data[run:p+2])
			}
			return parts, nil
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			p += 2
			continue
		}
		if p+4 > len(data) {
			return nil, fmt.Errorf("embedded: JPEG segment at byte %d runs past the end", p)
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return nil, fmt.Errorf("embedded: JPEG segment at byte %d runs past the end", p)
		}
		payload := data[p+4 : p+2+n]
		switch {
		case m == 0xE0 && len(payload) >= 14 && string(payload[:5]) == "JFIF\x00":
			if payload[12] != 0 || payload[13] != 0 || n != 16 {
				// version, units, density; no thumbnail
				jfif := append([]byte{0xFF, 0xE0, 0, 16}, payload[:12]...)
				drop(p, p+2+n, append(jfif, 0, 0))
			}
		case m == 0xEE && len(payload) >= 5 && string(payload[:5]) == "Adobe":
			// kept: says how to read the colour channels
		case m >= 0xE0 && m <= 0xEF, m == 0xFE:
			drop(p, p+2+n, nil) // APPn, COM
		}
		p += 2 + n
		if m != 0xDA {
			continue
		}
		// Entropy-coded data up to the next marker that is not a
		// stuffed 0xFF00 or a restart marker.
		for {
			i := bytes.IndexByte(data[p:], 0xFF)
			if i < 0 || p+i+1 >= len(data) {
				return nil, errors.New("embedded: JPEG scan runs to the end of the file without an EOI")
			}
			p += i
			if c := data[p+1]; c == 0 || (c >= 0xD0 && c <= 0xD7) {
				p += 2
				continue
			} else if c == 0xFF { // a fill byte before a marker
				p++
				continue
			}
			break
		}
	}
}
