package iiif

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/tiff"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
)

// Colours of the test images: each image has a red top-left corner block
// and a blue rest, so orientation and colour conversion can be checked on
// the output pixels.
var (
	red  = color.NRGBA{230, 20, 20, 255}
	blue = color.NRGBA{20, 40, 200, 255}
)

// testImage is w x h, blue with a red block in the top-left corner of a
// quarter of each side.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := blue
			if x < w/4 && y < h/4 {
				c = red
			}
			// a little texture, so JPEGs are not trivially small
			c.G += uint8((x ^ y) & 7)
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation inserts an EXIF APP1 segment with the given Orientation
// tag right after the SOI marker of a JPEG.
func withOrientation(jpg []byte, orientation uint16) []byte {
	var tiffHdr bytes.Buffer
	be := binary.BigEndian
	tiffHdr.WriteString("MM")
	binary.Write(&tiffHdr, be, uint16(42))
	binary.Write(&tiffHdr, be, uint32(8))
	binary.Write(&tiffHdr, be, uint16(1))      // one entry
	binary.Write(&tiffHdr, be, uint16(0x0112)) // Orientation
	binary.Write(&tiffHdr, be, uint16(3))      // SHORT
	binary.Write(&tiffHdr, be, uint32(1))
	binary.Write(&tiffHdr, be, orientation)
	binary.Write(&tiffHdr, be, uint16(0))
	binary.Write(&tiffHdr, be, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiffHdr.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeTIFF(t testing.TB, img image.Image, c tiff.CompressionType) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, img, &tiff.Options{Compression: c}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// alpha16 is a 16-bit PNG source: the test image with its right half fully
// transparent (which must come out white).
func alpha16(w, h int) image.Image {
	src := testImage(w, h)
	img := image.NewNRGBA64(src.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := src.NRGBAAt(x, y)
			a := uint16(0xFFFF)
			if x >= w/2 {
				a = 0
			}
			img.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R) * 257, uint16(c.G) * 257, uint16(c.B) * 257, a})
		}
	}
	return img
}

func gray8(w, h int) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 251)
	}
	return img
}

func gray16(w, h int) image.Image {
	img := image.NewGray16(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray16(x, y, color.Gray16{uint16(x * 65535 / w)})
		}
	}
	return img
}

// vipsTool returns the path of a libvips tool, skipping the test when it is
// absent (failing on CI, where .ci/run installs libvips-tools).
func vipsTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found; CI must install libvips-tools", name)
		}
		t.Skipf("%s not found (apt-get install -y libvips-tools); skipping", name)
	}
	return p
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// multilingual is an en+ko exhibition exercising every field the manifest
// uses. Its images are written by writeImages.
const multilingual = `slug: victory
languages: [en, ko]
title: {en: "Victory in the War", ko: "전쟁의 승리"}
subtitle: {en: "Photographs 1950-1953", ko: "사진 1950-1953"}
summary: {en: "Photographs of the war <and> its aftermath.", ko: "전쟁과 그 이후의 사진."}
opening: "2023-07-27"
closing: "2023-10-01"
edition: "2023-07-27"
rights: http://creativecommons.org/licenses/by/4.0/
credit: {en: "Courtesy of the Example Museum", ko: "예시 박물관 제공"}
homepage: https://example.org/victory
agents:
  - name: {en: "Kim Min", ko: "김민"}
    roles: [curator]
  - name: {en: "Example Museum", ko: "예시 박물관"}
    roles: [provider]
    homepage: https://example.org/
    logo: logo.png
  - name: {en: "Example Press", ko: "예시 출판사"}
    roles: [publisher]
source:
  title: {en: "Victory (web edition)", ko: "승리 (웹판)"}
  url: https://example.org/source
  retrieved: "2023-08-01"
subjects: [Korean War, photography]
sections:
  - id: war
    title: {en: "The war", ko: "전쟁"}
  - id: after
    title: {en: "After the war", ko: "전쟁 이후"}
plates:
  - number: "1"
    section: war
    caption: {en: "A street in 1950", ko: "1950년의 거리"}
    description: {en: ["First paragraph.", "Second <b>paragraph</b>."], ko: ["첫째 문단.", "둘째 문단."]}
    date: "June 25, 1950"
    creator: Unknown photographer
    medium: Gelatin silver print
    dimensions: 24 x 30 cm
    credit: {en: "Lent by the Archive", ko: "기록원 대여"}
    alt: {en: "A red corner on blue", ko: "파란 바탕의 빨간 모서리"}
    notes: [Retouched.]
    metadata:
      - {label: Archive number, value: A-1}
    images: [{path: images/street.jpg}]
  - number: "2"
    section: war
    caption: {en: "A rotated print", ko: "회전된 사진"}
    date: "c. 1951"
    images: [{path: images/rotated.jpg}]
  - number: "3a"
    section: after
    caption: {en: "Recto and verso", ko: "앞면과 뒷면"}
    date: "1953, printed 1960"
    images:
      - {path: images/alpha16.png, label: {en: recto, ko: 앞면}}
      - {path: images/gray16.tif, label: {en: verso, ko: 뒷면}}
  - number: "4"
    section: after
    caption: {en: "A caption without an image", ko: "이미지 없는 설명"}
    images: []
  - number: "5"
    section: after
    caption: {en: "Small grey and deflate TIFFs", ko: "작은 회색 TIFF"}
    images: [{path: images/gray.tif}, {path: images/deflate.tif}]
`

// fixture writes the multilingual exhibition into a new folder and returns
// it.
func fixture(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(multilingual))
	writeFile(t, filepath.Join(dir, "images/street.jpg"), encodeJPEG(t, testImage(1300, 900)))
	// Stored 600 wide and 400 high, shown rotated 90° clockwise: 400 x 600.
	writeFile(t, filepath.Join(dir, "images/rotated.jpg"), withOrientation(encodeJPEG(t, testImage(600, 400)), 6))
	writeFile(t, filepath.Join(dir, "images/alpha16.png"), encodePNG(t, alpha16(700, 520)))
	writeFile(t, filepath.Join(dir, "images/gray16.tif"), encodeTIFF(t, gray16(530, 300), tiff.Uncompressed))
	writeFile(t, filepath.Join(dir, "images/gray.tif"), encodeTIFF(t, gray8(300, 200), tiff.Uncompressed))
	writeFile(t, filepath.Join(dir, "images/deflate.tif"), encodeTIFF(t, testImage(1025, 513), tiff.Deflate))
	writeFile(t, filepath.Join(dir, "logo.png"), encodePNG(t, testImage(64, 32)))
	return dir
}

// single writes a one-language exhibition with one image per plate from
// the given files (name → bytes) and returns its folder.
func single(t testing.TB, slug string, files map[string][]byte, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("slug: " + slug + "\nlanguages: [en]\ntitle: \"Exhibition " + slug + "\"\nrights: http://rightsstatements.org/vocab/InC/1.0/\nplates:\n")
	for i, n := range names {
		writeFile(t, filepath.Join(dir, "images", n), files[n])
		b.WriteString("  - number: \"" + string(rune('1'+i)) + "\"\n    caption: \"Plate " + n + "\"\n    images: [{path: images/" + n + "}]\n")
	}
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(b.String()))
	return dir
}

// buildOpts are the options of one test build.
type buildOpts struct {
	base     string
	formats  []string
	tiles    bool
	cache    string
	version  int
	reencode bool
}

// build runs what `vitrine build` runs for this exporter (exporters.Run,
// with stand-ins for the other formats named in o.formats) into out. It
// returns the log.
func build(t testing.TB, exDir, out string, o buildOpts) string {
	t.Helper()
	log, err := tryBuild(t, exDir, out, o)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// tryBuild is build returning the build's error.
func tryBuild(t testing.TB, exDir, out string, o buildOpts) (string, error) {
	t.Helper()
	if o.formats == nil {
		o.formats = []string{"iiif"}
	}
	e, err := New(Options{Tiles: o.tiles, Reencode: o.reencode, Version: o.version})
	if err != nil {
		t.Fatal(err)
	}
	var exps []exporters.Exporter
	for _, f := range o.formats {
		if f == "iiif" {
			exps = append(exps, e)
		} else {
			exps = append(exps, exportertest.Func{Format: f, Fn: func(context.Context, *exporters.Build) error { return nil }})
		}
	}
	var log bytes.Buffer
	_, _, err = exportertest.Build(t, exDir, exportertest.Config{Out: out, BaseURL: o.base, Assets: assets.Options{CacheDir: o.cache}, Log: &log}, exps...)
	return log.String(), err
}
