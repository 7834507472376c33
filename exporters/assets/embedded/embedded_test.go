package embedded_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"reflect"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
)

func photo(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i*31 + i/(4*w)*7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cameraJPEG is a JPEG as a phone or camera writes it: JFIF with a
// thumbnail, EXIF with GPS, serials, owner, maker notes and a thumbnail,
// XMP with a position and a serial, an sRGB ICC profile, IPTC, a comment,
// an Adobe segment, and an MPF segment (TestStripJPEG adds its preview
// image after the EOI).
func cameraJPEG(t testing.TB) (file, plain []byte) {
	plain = photo(t, 64, 48)
	thumb := photo(t, 8, 8)
	jfif := append([]byte("JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x01\x01"), 1, 2, 3)
	xmp := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude=\"37,33.36N\" aux:SerialNumber=\"SN4410027731\"/></x:xmpmeta>")
	file = embedded.InsertSegments(plain,
		embedded.Segment(0xE0, jfif),
		embedded.Segment(0xE1, append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, thumb)...)),
		embedded.Segment(0xE1, xmp),
		embedded.Segment(0xE2, []byte("MPF\x00MM\x00\x2a\x00\x00\x00\x08")),
		embedded.Segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0b\x1c\x02\x50\x00\x05Jane.")),
		embedded.Segment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01")),
		embedded.Segment(0xFE, []byte("Shot at 37.556N 126.972E by Jane")),
	)
	file = icctest.EmbedJPEG(file, icctest.SRGB(), 0, nil)
	return file, plain
}

func TestStripJPEG(t *testing.T) {
	file, plain := cameraJPEG(t)
	file = append(file, photo(t, 8, 8)...) // MPF's second image
	before := embedded.Survey(bytes.NewReader(file), int64(len(file)), "jpeg")
	want := embedded.Report{GPS: true, Serial: true, Owner: true, MakerNote: true, Thumbnail: true, XMP: true, IPTC: true, Comment: true}
	got := before
	got.Profile, got.ProfileErr = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("survey of the camera file: %+v, want %+v", got, want)
	}
	if before.Profile == nil {
		t.Error("survey found no profile")
	}
	if p := before.Private(); strings.Join(p, ", ") != "GPS position, serial number, owner name, maker notes, embedded thumbnail" {
		t.Errorf("Private() = %v", p)
	}

	out, err := embedded.StripJPEG(file)
	if err != nil {
		t.Fatal(err)
	}
	after := embedded.Survey(bytes.NewReader(out), int64(len(out)), "jpeg")
	if !reflect.DeepEqual(after, embedded.Report{}) {
		t.Errorf("stripped file still carries %+v", after)
	}
	for _, s := range []string{"SN4410027731", "Jane", "GPS", "Examplecam", "ICC_PROFILE", "MPF", "Photoshop"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("stripped file still contains %q", s)
		}
	}
	if !bytes.Contains(out, []byte("Adobe")) || !bytes.Contains(out, []byte("JFIF")) {
		t.Error("the Adobe and JFIF segments a decoder needs were dropped")
	}
	// Losslessly: the same scan bytes, the same pixels.
	if !bytes.HasSuffix(out, plain[len(plain)-1000:]) {
		t.Error("the scan data is not copied as it is (or something follows EOI)")
	}
	a, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := jpeg.Decode(bytes.NewReader(plain))
	if !reflect.DeepEqual(a, b) {
		t.Error("the stripped file decodes to other pixels")
	}
	// A file with nothing to drop keeps its bytes (the decoder needs all).
	again, err := embedded.StripJPEG(out)
	if err != nil || !bytes.Equal(again, out) || &again[0] != &out[0] {
		t.Errorf("stripping twice changed or copied the file (%v)", err)
	}
}

func TestStripJPEGErrors(t *testing.T) {
	file, _ := cameraJPEG(t)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a JPEG", []byte("GIF89a"), "no SOI"},
		{"cut in the segments", file[:300], "past the end"},
		{"no EOI", file[:len(file)-10], "without an EOI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := embedded.StripJPEG(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestWithXMP(t *testing.T) {
	plain := photo(t, 16, 16)
	x := embedded.RightsXMP("© 2026 City Archive <Seoul>", "http://rightsstatements.org/vocab/InC/1.0/", "Kim & Lee")
	out, err := embedded.WithXMP(plain, x)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">© 2026 City Archive &lt;Seoul&gt;</rdf:li>", "xmpRights:WebStatement=\"http://rightsstatements.org/vocab/InC/1.0/\"", "<rdf:li>Kim &amp; Lee</rdf:li>"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("XMP lacks %s", s)
		}
	}
	rep := embedded.Survey(bytes.NewReader(out), int64(len(out)), "jpeg")
	if !rep.XMP || len(rep.Private()) != 0 {
		t.Errorf("survey of the rights copy: %+v", rep)
	}
	a, err := jpeg.Decode(bytes.NewReader(out))
	b, _ := jpeg.Decode(bytes.NewReader(plain))
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("the file with XMP decodes differently (%v)", err)
	}
	if embedded.RightsXMP("", "", "") != nil {
		t.Error("an empty XMP packet")
	}
}

func TestSurveyFormats(t *testing.T) {
	exif := embedded.CameraEXIF(1, nil)
	tif := icctest.TIFF(1, 1, 1, 8, []byte{7}, nil, icctest.GrayGamma(2.2), nil)
	var pb bytes.Buffer
	png.Encode(&pb, image.NewGray(image.Rect(0, 0, 2, 2)))
	pngExif := icctest.EmbedPNG(pb.Bytes(), icctest.DisplayP3(), "Display P3")
	pngExif = append(pngExif[:33:33], append(icctest.PNGChunk("eXIf", exif), pngExif[33:]...)...)
	for _, tc := range []struct {
		name, format string
		data         []byte
		gps, profile bool
	}{
		{"tiff with profile", "tiff", tif, false, true},
		{"png with eXIf and iCCP", "png", pngExif, true, true},
		{"plain png", "png", pb.Bytes(), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := embedded.Survey(bytes.NewReader(tc.data), int64(len(tc.data)), tc.format)
			if r.GPS != tc.gps || (r.Profile != nil) != tc.profile || r.ProfileErr != nil {
				t.Errorf("%+v", r)
			}
		})
	}
}

func FuzzStripJPEG(f *testing.F) {
	file, _ := cameraJPEG(f)
	f.Add(file)
	f.Fuzz(func(t *testing.T, b []byte) {
		embedded.Survey(bytes.NewReader(b), int64(len(b)), "jpeg")
		embedded.Survey(bytes.NewReader(b), int64(len(b)), "tiff")
		out, err := embedded.StripJPEG(b)
		if err != nil {
			return
		}
		if r := embedded.Survey(bytes.NewReader(out), int64(len(out)), "jpeg"); len(r.Private()) != 0 || r.XMP || r.Profile != nil {
			t.Fatalf("stripped file still carries %+v", r)
		}
	})
}

// TestSurveyLongHeader: metadata beyond the first read (64 KiB) is found;
// Survey reads on until the first scan.
func TestSurveyLongHeader(t *testing.T) {
	plain := photo(t, 16, 16)
	pad := embedded.Segment(0xEB, bytes.Repeat([]byte{7}, 60000))
	exif := embedded.Segment(0xE1, append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, nil)...))
	file := embedded.InsertSegments(plain, pad, pad, pad, exif)
	if r := embedded.Survey(bytes.NewReader(file), int64(len(file)), "jpeg"); !r.GPS || !r.Serial {
		t.Errorf("EXIF after 180 kB of other segments: %+v", r)
	}
}
