package embedded

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
)

// Report is what Survey found in an image file besides its pixels.
type Report struct {
	// Profile is the embedded ICC profile, nil when there is none;
	// ProfileErr says why a profile that is there could not be read.
	Profile    []byte
	ProfileErr error
	// Private data that published images never carry.
	GPS       bool // a GPS position (EXIF GPS IFD, XMP exif:GPS*)
	Serial    bool // a camera body or lens serial number (EXIF, XMP)
	Owner     bool // the camera owner's name
	MakerNote bool // maker notes (proprietary; often hold the serial number)
	Thumbnail bool // an embedded thumbnail or preview (EXIF IFD1, MPF)
	// Descriptive metadata, also dropped (unless rights are kept on
	// purpose).
	XMP, IPTC, Comment bool
}

// Private lists, in words, the private data r found ("GPS position", ...).
func (r Report) Private() []string {
	var out []string
	for _, x := range []struct {
		on   bool
		what string
	}{{r.GPS, "GPS position"}, {r.Serial, "serial number"}, {r.Owner, "owner name"}, {r.MakerNote, "maker notes"}, {r.Thumbnail, "embedded thumbnail"}} {
		if x.on {
			out = append(out, x.what)
		}
	}
	return out
}

// maxHead is how much of the start of a JPEG, PNG or WebP file Survey
// reads: their metadata comes before the image data.
const maxHead = 4 << 20

// Survey reads what the image file r (size bytes, in the format
// image.DecodeConfig named) carries besides its pixels. It reads only
// metadata: the start of a JPEG, PNG or WebP, the directories of a TIFF.
// Damaged metadata is ignored (Survey reports what it could read).
func Survey(r io.ReaderAt, size int64, format string) Report {
	var rep Report
	if format == "tiff" {
		surveyTIFF(r, size, &rep, true)
		return rep
	}
	head := make([]byte, min(size, maxHead))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	rep.Profile, rep.ProfileErr = icc.Extract(head, format)
	switch format {
	case "jpeg":
		icc.JPEGSegments(head, func(m byte, seg []byte) bool {
			switch {
			case m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
				t := seg[6:]
				surveyTIFF(bytes.NewReader(t), int64(len(t)), &rep, false)
			case m == 0xE1 && (bytes.HasPrefix(seg, []byte(xmpID)) || bytes.HasPrefix(seg, []byte("http://ns.adobe.com/xmp/extension/\x00"))):
				rep.XMP = true
				surveyXMP(seg, &rep)
			case m == 0xE2 && bytes.HasPrefix(seg, []byte("MPF\x00")):
				rep.Thumbnail = true
			case m == 0xED:
				rep.IPTC = true
			case m == 0xFE:
				rep.Comment = true
			case m == 0xE0 && bytes.HasPrefix(seg, []byte("JFXX\x00")):
				rep.Thumbnail = true
			case m == 0xE0 && bytes.HasPrefix(seg, []byte("JFIF\x00")) && len(seg) >= 14 && seg[12] != 0 && seg[13] != 0:
				rep.Thumbnail = true
			}
			return true
		})
	case "png":
		p := 8
		for p+12 <= len(head) {
			n := int(binary.BigEndian.Uint32(head[p:]))
			if n < 0 || n > len(head)-p-12 {
				break
			}
			body := head[p+8 : p+8+n]
			switch string(head[p+4 : p+8]) {
			case "eXIf":
				surveyTIFF(bytes.NewReader(body), int64(len(body)), &rep, false)
			case "iTXt":
				if bytes.HasPrefix(body, []byte("XML:com.adobe.xmp\x00")) {
					rep.XMP = true
					surveyXMP(body, &rep)
				} else {
					rep.Comment = true
				}
			case "tEXt", "zTXt":
				rep.Comment = true
			}
			p += 12 + n
		}
	case "webp":
		p := 12
		for p+8 <= len(head) {
			n := int(binary.LittleEndian.Uint32(head[p+4:]))
			if n < 0 || n > len(head)-p-8 {
				break
			}
			body := head[p+8 : p+8+n]
			switch string(head[p : p+4]) {
			case "EXIF":
				body = bytes.TrimPrefix(body, []byte("Exif\x00\x00"))
				surveyTIFF(bytes.NewReader(body), int64(len(body)), &rep, false)
			case "XMP ":
				rep.XMP = true
				surveyXMP(body, &rep)
			}
			p += 8 + n + n&1
		}
	}
	return rep
}

// surveyXMP looks for private properties in an XMP packet's text.
func surveyXMP(x []byte, rep *Report) {
	for _, k := range []string{"GPSLatitude", "GPSLongitude"} {
		if bytes.Contains(x, []byte(k)) {
			rep.GPS = true
		}
	}
	if bytes.Contains(x, []byte("SerialNumber")) { // aux:SerialNumber, exifEX:BodySerialNumber, ...
		rep.Serial = true
	}
	if bytes.Contains(x, []byte("OwnerName")) {
		rep.Owner = true
	}
}

// tiffReader reads the directories of a TIFF structure (a TIFF file or an
// EXIF block) through a ReaderAt.
type tiffReader struct {
	r    io.ReaderAt
	size int64
	bo   binary.ByteOrder
	big  bool
}

type tiffEntry struct {
	typ   uint16
	count uint64
	// value holds the value's bytes when they fit in the entry, else the
	// offset.
	value []byte
}

func (t *tiffReader) read(off, n int64) []byte {
	if off < 0 || n < 0 || n > 1<<20 || off+n > t.size {
		return nil
	}
	b := make([]byte, n)
	if k, _ := t.r.ReadAt(b, off); int64(k) != n {
		return nil
	}
	return b
}

// ifd reads the directory at off: its entries and the next directory's
// offset.
func (t *tiffReader) ifd(off int64) (map[uint16]tiffEntry, int64) {
	cw, ew, vw := int64(2), int64(12), 4
	if t.big {
		cw, ew, vw = 8, 20, 8
	}
	c := t.read(off, cw)
	if c == nil {
		return nil, 0
	}
	var n int64
	if t.big {
		n = int64(t.bo.Uint64(c))
	} else {
		n = int64(t.bo.Uint16(c))
	}
	if n > 4096 {
		return nil, 0
	}
	b := t.read(off+cw, n*ew+int64(vw))
	if b == nil {
		return nil, 0
	}
	es := map[uint16]tiffEntry{}
	for i := int64(0); i < n; i++ {
		e := b[i*ew:]
		en := tiffEntry{typ: t.bo.Uint16(e[2:])}
		if t.big {
			en.count, en.value = t.bo.Uint64(e[4:]), e[12:20]
		} else {
			en.count, en.value = uint64(t.bo.Uint32(e[4:])), e[8:12]
		}
		es[t.bo.Uint16(e)] = en
	}
	var next int64
	if t.big {
		next = int64(t.bo.Uint64(b[n*ew:]))
	} else {
		next = int64(t.bo.Uint32(b[n*ew:]))
	}
	return es, next
}

// offset reads an entry's value as an offset (LONG, IFD or LONG8).
func (t *tiffReader) offset(e tiffEntry) int64 {
	if t.big && (e.typ == 16 || e.typ == 18) {
		return int64(t.bo.Uint64(e.value))
	}
	return int64(t.bo.Uint32(e.value))
}

// bytesOf reads the value of an entry of 1-byte elements (ASCII,
// UNDEFINED, BYTE).
func (t *tiffReader) bytesOf(e tiffEntry) []byte {
	if e.count <= uint64(len(e.value)) {
		return e.value[:e.count]
	}
	if e.count > icc.MaxProfile {
		return nil
	}
	return t.read(t.offset(e), int64(e.count))
}

// surveyTIFF reads IFD0, the EXIF and GPS directories and IFD1 of a TIFF
// structure. file is true for a TIFF file (whose IFD1 is a second page, not
// a thumbnail, and whose tag 34675 is the profile).
func surveyTIFF(r io.ReaderAt, size int64, rep *Report, file bool) {
	h := make([]byte, 16)
	if n, _ := r.ReadAt(h, 0); n < 8 {
		return
	}
	t := &tiffReader{r: r, size: size}
	switch string(h[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	default:
		return
	}
	var off int64
	switch t.bo.Uint16(h[2:]) {
	case 42:
		off = int64(t.bo.Uint32(h[4:]))
	case 43:
		t.big, off = true, int64(t.bo.Uint64(h[8:]))
	default:
		return
	}
	ifd0, next := t.ifd(off)
	if ifd0 == nil {
		return
	}
	if file {
		if e, ok := ifd0[34675]; ok {
			rep.Profile = t.bytesOf(e)
			if rep.Profile == nil {
				rep.ProfileErr = io.ErrUnexpectedEOF
			}
		}
		if _, ok := ifd0[700]; ok {
			rep.XMP = true
			if e := ifd0[700]; e.count < 1<<20 {
				surveyXMP(t.bytesOf(e), rep)
			}
		}
		if _, ok := ifd0[33723]; ok {
			rep.IPTC = true
		}
	} else if next != 0 {
		rep.Thumbnail = true
	}
	if e, ok := ifd0[0x8825]; ok {
		if g, _ := t.ifd(t.offset(e)); len(g) > 0 {
			_, lat := g[2]
			_, lon := g[4]
			rep.GPS = rep.GPS || lat || lon
		}
	}
	if _, ok := ifd0[0xA431]; ok { // some writers put it in IFD0
		rep.Serial = true
	}
	if e, ok := ifd0[0x8769]; ok {
		x, _ := t.ifd(t.offset(e))
		for tag, what := range map[uint16]*bool{0xA431: &rep.Serial, 0xA435: &rep.Serial, 0xA430: &rep.Owner, 0x927C: &rep.MakerNote} {
			if _, ok := x[tag]; ok {
				*what = true
			}
		}
	}
}
