// Package embedded deals with what an image file carries besides its
// pixels: camera EXIF (GPS position, serial numbers, owner, maker notes,
// thumbnails), XMP, IPTC, comments and colour profiles. Survey says what a
// master carries; StripJPEG rewrites a JPEG without any of it, losslessly
// (the compressed scan data is copied as it is); WithXMP adds an XMP packet
// of rights and creator to a JPEG, for access copies that carry them on
// purpose.
package embedded

import (
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
// file) is dropped. Call it only for a JPEG whose EXIF orientation is
// already neutral and whose colours are sRGB or untagged, since both are
// dropped with the rest.
func StripJPEG(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errors.New("embedded: not a JPEG (no SOI marker)")
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
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
		case m == 0xD9: // EOI
			return append(out, 0xFF, 0xD9), nil
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			out = append(out, 0xFF, m)
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
		seg := data[p : p+2+n]
		payload := seg[4:]
		switch {
		case m == 0xE0 && len(payload) >= 14 && string(payload[:5]) == "JFIF\x00":
			// version, units, density; thumbnail size 0x0
			out = append(out, 0xFF, 0xE0, 0, 16)
			out = append(out, payload[:12]...)
			out = append(out, 0, 0)
		case m == 0xEE && len(payload) >= 5 && string(payload[:5]) == "Adobe":
			out = append(out, seg...)
		case m >= 0xE0 && m <= 0xEF, m == 0xFE:
			// dropped: APPn, COM
		default:
			out = append(out, seg...)
		}
		p += 2 + n
		if m != 0xDA {
			continue
		}
		// Entropy-coded data up to the next marker that is not a
		// stuffed 0xFF00 or a restart marker.
		q := p
		for {
			for q < len(data) && data[q] != 0xFF {
				q++
			}
			if q+1 >= len(data) {
				return nil, errors.New("embedded: JPEG scan runs to the end of the file without an EOI")
			}
			if c := data[q+1]; c == 0 || (c >= 0xD0 && c <= 0xD7) || c == 0xFF {
				q += 2
				if c == 0xFF {
					q-- // a fill byte before a marker
				}
				continue
			}
			break
		}
		out = append(out, data[p:q]...)
		p = q
	}
}
