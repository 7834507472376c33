package embedded

import (
	"encoding/binary"
	"errors"
	"strings"
)

// xmpID starts the APP1 segment of an XMP packet in a JPEG.
const xmpID = "http://ns.adobe.com/xap/1.0/\x00"

// RightsXMP is an XMP packet that states rights and creator, nothing else:
// dc:rights (the credit or rights text), xmpRights:WebStatement (the
// rights URI) and dc:creator. Empty values are left out; all empty gives
// nil.
func RightsXMP(rightsText, rightsURI, creator string) []byte {
	if rightsText == "" && rightsURI == "" && creator == "" {
		return nil
	}
	esc := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch r {
			case '&':
				b.WriteString("&amp;")
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			case '"':
				b.WriteString("&quot;")
			default:
				if r >= 0x20 || r == '\t' || r == '\n' {
					b.WriteRune(r)
				}
			}
		}
		return b.String()
	}
	var b strings.Builder
	b.WriteString(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>` + "\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`)
	b.WriteString(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"`)
	if rightsURI != "" {
		b.WriteString(` xmpRights:WebStatement="` + esc(rightsURI) + `"`)
	}
	b.WriteString(`>`)
	if rightsText != "" {
		b.WriteString(`<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">` + esc(rightsText) + `</rdf:li></rdf:Alt></dc:rights>`)
	}
	if creator != "" {
		b.WriteString(`<dc:creator><rdf:Seq><rdf:li>` + esc(creator) + `</rdf:li></rdf:Seq></dc:creator>`)
	}
	b.WriteString(`</rdf:Description></rdf:RDF></x:xmpmeta>` + "\n" + `<?xpacket end="r"?>`)
	return []byte(b.String())
}

// WithXMP returns jpg with packet inserted as an XMP APP1 segment after
// SOI and a JFIF APP0 segment, if any. The packet must fit in one segment
// (65502 bytes).
func WithXMP(jpg, packet []byte) ([]byte, error) {
	if len(jpg) < 4 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		return nil, errors.New("embedded: not a JPEG (no SOI marker)")
	}
	if len(packet)+len(xmpID)+2 > 0xFFFF {
		return nil, errors.New("embedded: XMP packet too large for one JPEG segment")
	}
	at := 2
	if len(jpg) > 6 && jpg[2] == 0xFF && jpg[3] == 0xE0 {
		at = 4 + int(binary.BigEndian.Uint16(jpg[4:]))
		if at > len(jpg) {
			return nil, errors.New("embedded: JPEG APP0 segment runs past the end")
		}
	}
	out := make([]byte, 0, len(jpg)+len(packet)+40)
	out = append(out, jpg[:at]...)
	out = append(out, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(2+len(xmpID)+len(packet)))
	out = append(out, xmpID...)
	out = append(out, packet...)
	return append(out, jpg[at:]...), nil
}
