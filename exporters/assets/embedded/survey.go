package embedded

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/model/imagemeta"
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
	head := readHead(r, size, format)
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

// readHead reads the start of a file up to its image data: 64 KiB, then
// four times more while the metadata goes on, up to maxHead, so that a
// camera JPEG costs validate one small read.
func readHead(r io.ReaderAt, size int64, format string) []byte {
	for n := int64(64 << 10); ; n *= 4 {
		head := make([]byte, min(size, n, maxHead))
		k, _ := r.ReadAt(head, 0)
		head = head[:k]
		if int64(k) >= size || n >= maxHead {
			return head
		}
		switch format {
		case "jpeg":
			if icc.JPEGSegments(head, func(byte, []byte) bool { return true }) == nil {
				return head // reached the first scan
			}
		case "png":
			if bytes.Contains(head, []byte("IDAT")) {
				return head
			}
		default:
			if bytes.Contains(head, []byte("VP8")) {
				return head
			}
		}
	}
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

// surveyTIFF reads IFD0, the EXIF and GPS directories and IFD1 of a TIFF
// structure (model/imagemeta). file is true for a TIFF file (whose IFD1 is
// a second page, not a thumbnail, and whose tag 34675 is the profile).
func surveyTIFF(r io.ReaderAt, size int64, rep *Report, file bool) {
	f, err := imagemeta.Open(r, size)
	if err != nil {
		return
	}
	ifd0, err := f.ReadIFD(f.First)
	if err != nil {
		return
	}
	sub := func(tag uint16) *imagemeta.IFD {
		e, ok := ifd0.Get(tag)
		if !ok {
			return nil
		}
		off, ok := e.Uint()
		if !ok || off > uint64(size) {
			return nil
		}
		d, _ := f.ReadIFD(int64(off))
		return d
	}
	has := func(d *imagemeta.IFD, tag uint16) bool {
		if d == nil {
			return false
		}
		_, ok := d.Get(tag)
		return ok
	}
	if file {
		if e, ok := ifd0.Get(imagemeta.TagICCProfile); ok {
			rep.Profile = e.Bytes()
		}
		if e, ok := ifd0.Get(imagemeta.TagXMP); ok {
			rep.XMP = true
			surveyXMP(e.Bytes(), rep)
		}
		rep.IPTC = has(ifd0, imagemeta.TagIPTC)
	} else if ifd0.Next != 0 {
		rep.Thumbnail = true // IFD1 of an EXIF block
	}
	if gps := sub(tagGPSIFD); has(gps, 2) || has(gps, 4) { // latitude, longitude
		rep.GPS = true
	}
	exif := sub(imagemeta.TagExifIFD)
	rep.Serial = rep.Serial || has(ifd0, tagBodySerial) || has(exif, tagBodySerial) || has(exif, tagLensSerial)
	rep.Owner = rep.Owner || has(exif, tagOwner)
	rep.MakerNote = rep.MakerNote || has(exif, tagMakerNote)
}

// EXIF tags (CIPA DC-008) that hold private data.
const (
	tagGPSIFD     = 0x8825
	tagOwner      = 0xA430
	tagBodySerial = 0xA431
	tagLensSerial = 0xA435
	tagMakerNote  = 0x927C
)
