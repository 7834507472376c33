package folderimport

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exifTIFF builds the TIFF block of an EXIF APP1 segment (little-endian,
// as most cameras write it): IFD0 with ImageDescription (when desc is not
// empty), Make, and a pointer to an Exif IFD with DateTimeOriginal.
func exifTIFF(desc, make, taken string) []byte {
	type entry struct {
		tag uint16
		val string
	}
	ifd0 := []entry{}
	if desc != "" {
		ifd0 = append(ifd0, entry{0x010E, desc})
	}
	ifd0 = append(ifd0, entry{0x010F, make})
	le := binary.LittleEndian
	var b bytes.Buffer
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(8))
	// IFD0 at 8: n entries (+1 for the Exif pointer), next IFD 0, then data.
	n := len(ifd0) + 1
	dataOff := 8 + 2 + 12*n + 4
	exifIFD := dataOff
	for _, e := range ifd0 {
		exifIFD += len(e.val) + 1
	}
	var data bytes.Buffer
	binary.Write(&b, le, uint16(n))
	for _, e := range ifd0 {
		binary.Write(&b, le, e.tag)
		binary.Write(&b, le, uint16(2))
		binary.Write(&b, le, uint32(len(e.val)+1))
		binary.Write(&b, le, uint32(dataOff+data.Len()))
		data.WriteString(e.val + "\x00")
	}
	binary.Write(&b, le, uint16(0x8769))
	binary.Write(&b, le, uint16(4))
	binary.Write(&b, le, uint32(1))
	binary.Write(&b, le, uint32(exifIFD))
	binary.Write(&b, le, uint32(0))
	b.Write(data.Bytes())
	// Exif IFD: DateTimeOriginal.
	binary.Write(&b, le, uint16(1))
	binary.Write(&b, le, uint16(0x9003))
	binary.Write(&b, le, uint16(2))
	binary.Write(&b, le, uint32(20))
	binary.Write(&b, le, uint32(exifIFD+2+12+4))
	binary.Write(&b, le, uint32(0))
	b.WriteString(taken + "\x00")
	return b.Bytes()
}

// xmpPacket is an XMP packet as Lightroom or Bridge writes one; props are
// inner elements of rdf:Description.
func xmpPacket(props string) []byte {
	return []byte(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
` + props + `
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`)
}

// iimBlock is an APP13 Photoshop segment's body with one IPTC-NAA
// resource holding the datasets (record 2 unless given as 1:90).
func iimBlock(ds [][2]any) []byte {
	var iim bytes.Buffer
	iim.Write([]byte{0x1C, 1, 90, 0, 3, 0x1B, 0x25, 0x47}) // UTF-8
	for _, d := range ds {
		v := d[1].(string)
		iim.Write([]byte{0x1C, 2, byte(d[0].(int))})
		binary.Write(&iim, binary.BigEndian, uint16(len(v)))
		iim.WriteString(v)
	}
	var b bytes.Buffer
	b.WriteString("Photoshop 3.0\x00")
	b.WriteString("8BIM")
	binary.Write(&b, binary.BigEndian, uint16(0x0404))
	b.Write([]byte{0, 0}) // empty Pascal name, padded
	binary.Write(&b, binary.BigEndian, uint32(iim.Len()))
	b.Write(iim.Bytes())
	if iim.Len()%2 == 1 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

// jpegWith is a small JPEG with the given APP segments after SOI.
func jpegWith(segs ...[]byte) []byte {
	var px bytes.Buffer
	if err := jpeg.Encode(&px, image.NewGray(image.Rect(0, 0, 16, 12)), nil); err != nil {
		panic(err)
	}
	var b bytes.Buffer
	b.Write(px.Bytes()[:2])
	for _, s := range segs {
		b.Write(s)
	}
	b.Write(px.Bytes()[2:])
	return b.Bytes()
}

// cameraJPEG writes jpegWith(segs...) to path.
func cameraJPEG(t *testing.T, path string, segs ...[]byte) {
	t.Helper()
	if err := os.WriteFile(path, jpegWith(segs...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func segment(marker byte, body []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
	return append(s, body...)
}

func app1EXIF(desc, make, taken string) []byte {
	return segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(desc, make, taken)...))
}

func app1XMP(props string) []byte {
	return segment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket(props)...))
}

// TestCameraAndScanFolder: a folder as cameras and scanning stations leave
// it. Camera boilerplate in ImageDescription (OLYMPUS, SANYO, padded with
// spaces, all spaces) is not a caption; the EXIF capture date is kept as
// the digitisation date, not the object's; XMP and IPTC title,
// description, creator, rights, keywords and Date Created are used.
func TestCameraAndScanFolder(t *testing.T) {
	dir := t.TempDir()
	cameraJPEG(t, filepath.Join(dir, "P8270001.JPG"), app1EXIF("OLYMPUS DIGITAL CAMERA         ", "OLYMPUS OPTICAL CO.,LTD", "2004:08:27 13:52:55"))
	cameraJPEG(t, filepath.Join(dir, "SANY0042.JPG"), app1EXIF("SANYO DIGITAL CAMERA", "SANYO Electric Co.,Ltd.", "2006:01:14 09:03:12"))
	cameraJPEG(t, filepath.Join(dir, "blank_description.jpg"), app1EXIF("                               ", "NIKON", "2008:05:30 17:00:01"))
	cameraJPEG(t, filepath.Join(dir, "postcard_pier.jpg"),
		app1EXIF("", "Epson", "2019:03:02 10:11:12"),
		app1XMP(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">The pier at Ellismouth</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Picture postcard, hand-tinted collotype.</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>Ellismouth Postcard Co.</rdf:li></rdf:Seq></dc:creator>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">No known copyright restrictions</rdf:li></rdf:Alt></dc:rights>
<dc:subject><rdf:Bag><rdf:li>piers</rdf:li><rdf:li>postcards</rdf:li></rdf:Bag></dc:subject>
<photoshop:DateCreated>1910</photoshop:DateCreated>
<xmp:CreateDate>2019-03-02T10:11:12</xmp:CreateDate>`))
	cameraJPEG(t, filepath.Join(dir, "letter_1923.jpg"),
		app1EXIF("", "Phase One", "2020:01:15 11:00:00"),
		segment(0xED, iimBlock([][2]any{
			{5, "Letter to the harbour master"}, {120, "Handwritten letter about the winter moorings."},
			{80, "A. Whitcombe"}, {116, "http://creativecommons.org/publicdomain/zero/1.0/"},
			{25, "letters"}, {25, "harbours"}, {55, "19230514"},
		})))
	cameraJPEG(t, filepath.Join(dir, "same_day.jpg"),
		app1EXIF("", "Canon", "2019:03:02 10:11:12"),
		app1XMP(`<photoshop:DateCreated>2019-03-02T10:11:12</photoshop:DateCreated>`))

	ex, notes, err := Import(dir, Options{Title: "Scans", Edition: "2026-12-01", Publisher: "Ellismouth Museum"})
	if err != nil {
		t.Fatal(err)
	}
	type got struct{ caption, date, digitised, creator, rights, credit, keywords, desc string }
	byImage := map[string]got{}
	for _, p := range ex.Plates {
		g := got{caption: p.Caption.Get(""), date: p.Date.Normalized, creator: p.Creator, rights: p.Rights, credit: p.Credit.Get("")}
		for _, f := range p.Metadata {
			switch f.Label {
			case DigitisedLabel:
				g.digitised = f.Value
			case KeywordsLabel:
				g.keywords = f.Value
			}
		}
		if d := p.Description.Get(""); len(d) > 0 {
			g.desc = d[0]
		}
		byImage[p.Images[0].Path] = g
	}
	want := map[string]got{
		"P8270001.JPG":          {caption: "P8270001", digitised: "2004-08-27"},
		"SANY0042.JPG":          {caption: "SANY0042", digitised: "2006-01-14"},
		"blank_description.jpg": {caption: "blank description", digitised: "2008-05-30"},
		"postcard_pier.jpg": {caption: "The pier at Ellismouth", desc: "Picture postcard, hand-tinted collotype.", date: "1910",
			digitised: "2019-03-02", creator: "Ellismouth Postcard Co.", credit: "No known copyright restrictions", keywords: "piers; postcards"},
		"letter_1923.jpg": {caption: "Letter to the harbour master", desc: "Handwritten letter about the winter moorings.", date: "1923-05-14",
			digitised: "2020-01-15", creator: "A. Whitcombe", credit: "http://creativecommons.org/publicdomain/zero/1.0/",
			rights: "http://creativecommons.org/publicdomain/zero/1.0/", keywords: "letters; harbours"},
		"same_day.jpg": {caption: "same day", digitised: "2019-03-02"},
	}
	for name, w := range want {
		if g := byImage[name]; g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", name, g, w)
		}
	}
	var ns []string
	for _, n := range notes {
		ns = append(ns, n.String())
	}
	if s := strings.Join(ns, "\n"); strings.Contains(s, "DIGITAL CAMERA") || !strings.Contains(s, "kept as the digitisation date") {
		t.Errorf("notices:\n%s", s)
	}
	if ex.Edition != "2026-12-01" || len(ex.Agents) != 1 || !ex.Agents[0].HasRole("publisher") {
		t.Errorf("edition %q agents %+v", ex.Edition, ex.Agents)
	}
}

func TestBoilerplate(t *testing.T) {
	for _, s := range []string{"OLYMPUS DIGITAL CAMERA", "SANYO DIGITAL CAMERA", "  ", "", "\x00\x00", "KODAK Digital Still Camera", "SONY DSC", "DIGITAL CAMERA", "<Digimax S500 / Kenox S500>", "default", "DSC_0042.JPG", "IMG_1234"} {
		if !Boilerplate(s) {
			t.Errorf("%q not taken for boilerplate", s)
		}
	}
	for _, s := range []string{"The harbour at dawn", "Box camera", "A digital camera on a table, 2004", "Image of the pier"} {
		if Boilerplate(s) {
			t.Errorf("%q taken for boilerplate", s)
		}
	}
}
