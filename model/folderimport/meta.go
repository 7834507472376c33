package folderimport

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// Meta is the descriptive metadata embedded in an image file. Each field is
// the first non-empty value found, in the order XMP, IPTC, EXIF (XMP is
// the newest and the only one that is always Unicode).
//
// Two dates are kept apart: Date is when the content was made, as a
// cataloguer records it (IPTC Date Created, XMP photoshop:DateCreated);
// Captured is when the camera or scanner made the file (EXIF
// DateTimeOriginal, xmp:CreateDate), which for a scan is the day of
// digitisation, not the object's date. Title and Description leave out
// the boilerplate cameras write (see Boilerplate).
type Meta struct {
	Title       string   // XMP dc:title, IPTC 2:05 Object Name
	Description string   // XMP dc:description, IPTC 2:120 Caption, EXIF ImageDescription, PNG Description
	Creator     string   // XMP dc:creator, IPTC 2:80 By-line, EXIF Artist, PNG Author
	Date        string   // XMP photoshop:DateCreated, IPTC 2:55 Date Created
	Captured    string   // EXIF DateTimeOriginal (else DateTime), XMP exif:DateTimeOriginal/xmp:CreateDate, PNG Creation Time
	Rights      string   // XMP dc:rights, IPTC 2:116 Copyright Notice, EXIF Copyright, PNG Copyright
	Keywords    []string // XMP dc:subject, IPTC 2:25 Keywords
}

// sources of one field, best first
type metaSet struct {
	xmp, iptc, exif, png Meta
}

func (s metaSet) merge() Meta {
	pick := func(vals ...string) string {
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	text := func(vals ...string) string {
		for i, v := range vals {
			if Boilerplate(v) {
				vals[i] = ""
			}
		}
		return pick(vals...)
	}
	kw := s.xmp.Keywords
	if len(kw) == 0 {
		kw = s.iptc.Keywords
	}
	// The EXIF block's date (and PNG's Creation Time) is the capture.
	return Meta{
		Title:       text(s.xmp.Title, s.iptc.Title, s.png.Title),
		Description: text(s.xmp.Description, s.iptc.Description, s.exif.Description, s.png.Description),
		Creator:     pick(s.xmp.Creator, s.iptc.Creator, s.exif.Creator, s.png.Creator),
		Date:        pick(s.xmp.Date, s.iptc.Date),
		Captured:    pick(s.exif.Date, s.xmp.Captured, s.png.Date),
		Rights:      pick(s.xmp.Rights, s.iptc.Rights, s.exif.Rights, s.png.Rights),
		Keywords:    kw,
	}
}

// errNotSupported: a format whose metadata ReadMeta does not read.
var errNotSupported = errors.New("metadata not read for this format")

// ReadMeta reads the embedded metadata of a JPEG, TIFF or PNG file: EXIF
// IFD0 (and the Exif IFD for DateTimeOriginal), the XMP packet, and IPTC-IIM
// (JPEG APP13 or the TIFF IPTC tag). Damaged metadata is skipped, never
// fatal: the result is what could be read.
func ReadMeta(data []byte) (Meta, error) {
	var s metaSet
	switch {
	case len(data) > 3 && data[0] == 0xFF && data[1] == 0xD8:
		readJPEG(data, &s)
	case len(data) > 8 && (string(data[:4]) == "II*\x00" || string(data[:4]) == "MM\x00*" || string(data[:4]) == "II+\x00" || string(data[:4]) == "MM\x00+"):
		readTIFF(data, &s, true)
	case len(data) > 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n":
		readPNG(data, &s)
	default:
		return Meta{}, errNotSupported
	}
	return s.merge(), nil
}

func readJPEG(d []byte, s *metaSet) {
	i := 2
	for i+4 <= len(d) {
		if d[i] != 0xFF {
			return
		}
		m := d[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0xD9 || m == 0xDA { // EOI, SOS: no more metadata
			return
		}
		if m >= 0xD0 && m <= 0xD7 || m == 0x01 {
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(d[i+2:]))
		if n < 2 || i+2+n > len(d) {
			return
		}
		seg := d[i+4 : i+2+n]
		switch {
		case m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			readTIFF(seg[6:], s, false)
		case m == 0xE1 && bytes.HasPrefix(seg, []byte("http://ns.adobe.com/xap/1.0/\x00")):
			readXMP(seg[len("http://ns.adobe.com/xap/1.0/\x00"):], &s.xmp)
		case m == 0xED && bytes.HasPrefix(seg, []byte("Photoshop 3.0\x00")):
			readPhotoshop(seg[len("Photoshop 3.0\x00"):], &s.iptc)
		}
		i += 2 + n
	}
}

// EXIF tags read.
const (
	tagImageDescription = 0x010E
	tagArtist           = 0x013B
	tagDateTime         = 0x0132
	tagCopyright        = 0x8298
	tagExifIFD          = 0x8769
	tagDateTimeOriginal = 0x9003
	tagXMP              = 0x02BC
	tagIPTC             = 0x83BB
)

// readTIFF reads IFD0 of a TIFF structure (a TIFF file, or the EXIF block
// of a JPEG or PNG). In a TIFF file it also reads the XMP and IPTC tags.
func readTIFF(d []byte, s *metaSet, file bool) {
	f, err := imagemeta.OpenBytes(d)
	if err != nil {
		return
	}
	ifd0 := readIFD(f, f.First)
	str := func(tags map[uint16][]byte, t uint16) string {
		v, ok := tags[t]
		if !ok {
			return ""
		}
		// ASCII values end with NUL; Copyright may hold two, "photographer\0editor".
		var parts []string
		for _, p := range bytes.Split(v, []byte{0}) {
			if q := strings.TrimSpace(decodeText(p)); q != "" {
				parts = append(parts, q)
			}
		}
		return strings.Join(parts, "; ")
	}
	s.exif.Description = str(ifd0, tagImageDescription)
	s.exif.Creator = str(ifd0, tagArtist)
	s.exif.Rights = str(ifd0, tagCopyright)
	if off, ok := ifd0[tagExifIFD]; ok && (len(off) == 4 || len(off) == 8) {
		o := uint64(0)
		if len(off) == 8 { // BigTIFF's LONG8 or IFD8
			o = f.Order.Uint64(off)
		} else {
			o = uint64(f.Order.Uint32(off))
		}
		exif := readIFD(f, int64(min(o, 1<<62)))
		s.exif.Date = str(exif, tagDateTimeOriginal)
	}
	if s.exif.Date == "" {
		s.exif.Date = str(ifd0, tagDateTime)
	}
	if strings.HasPrefix(s.exif.Date, "0000") {
		s.exif.Date = ""
	}
	if file {
		if x, ok := ifd0[tagXMP]; ok {
			readXMP(x, &s.xmp)
		}
		if x, ok := ifd0[tagIPTC]; ok {
			readIIM(x, &s.iptc)
		}
	}
}

// readIFD returns the raw value bytes of the entries of the IFD at off for
// the tags vitrine reads (package imagemeta reads the IFD).
func readIFD(f *imagemeta.File, off int64) map[uint16][]byte {
	out := map[uint16][]byte{}
	ifd, err := f.ReadIFD(off)
	if err != nil {
		return out
	}
	for _, e := range ifd.Entries {
		switch e.Tag {
		case tagImageDescription, tagArtist, tagDateTime, tagCopyright, tagDateTimeOriginal, tagXMP, tagIPTC, tagExifIFD:
		default:
			continue
		}
		switch e.Type {
		case imagemeta.Byte, imagemeta.ASCII, imagemeta.Short, imagemeta.Long, imagemeta.Undefined, imagemeta.IFDType, imagemeta.Long8, imagemeta.IFD8:
			if e.Count <= 1<<24 {
				out[e.Tag] = e.Bytes()
			}
		}
	}
	return out
}

// decodeText reads UTF-8, or Latin-1 when the bytes are not UTF-8.
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// readPNG reads the eXIf chunk, the XMP packet (iTXt "XML:com.adobe.xmp")
// and the standard text keywords Title, Description, Author, Copyright and
// Creation Time (tEXt, zTXt, iTXt).
func readPNG(d []byte, s *metaSet) {
	i := 8
	for i+12 <= len(d) {
		n := int(binary.BigEndian.Uint32(d[i:]))
		typ := string(d[i+4 : i+8])
		if n < 0 || i+12+n > len(d) || i+12+n < i {
			return
		}
		c := d[i+8 : i+8+n]
		i += 12 + n
		switch typ {
		case "eXIf":
			readTIFF(c, s, false)
		case "tEXt":
			k, v, ok := bytes.Cut(c, []byte{0})
			if ok {
				pngText(string(k), decodeText(v), s)
			}
		case "zTXt":
			k, rest, ok := bytes.Cut(c, []byte{0})
			if ok && len(rest) > 1 && rest[0] == 0 {
				if v, err := inflate(rest[1:]); err == nil {
					pngText(string(k), decodeText(v), s)
				}
			}
		case "iTXt":
			k, rest, ok := bytes.Cut(c, []byte{0})
			if !ok || len(rest) < 2 {
				continue
			}
			compressed := rest[0] == 1
			rest = rest[2:]
			_, rest, ok1 := bytes.Cut(rest, []byte{0}) // language tag
			_, rest, ok2 := bytes.Cut(rest, []byte{0}) // translated keyword
			if !ok1 || !ok2 {
				continue
			}
			v := rest
			if compressed {
				var err error
				if v, err = inflate(rest); err != nil {
					continue
				}
			}
			if string(k) == "XML:com.adobe.xmp" {
				readXMP(v, &s.xmp)
			} else {
				pngText(string(k), string(v), s)
			}
		case "IEND":
			return
		}
	}
}

func pngText(k, v string, s *metaSet) {
	switch k {
	case "Title":
		s.png.Title = v
	case "Description":
		s.png.Description = v
	case "Author":
		s.png.Creator = v
	case "Copyright":
		s.png.Rights = v
	case "Creation Time":
		s.png.Date = v
	}
}

// inflate decompresses at most 1 MiB of zlib data.
func inflate(b []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 1<<20))
}
