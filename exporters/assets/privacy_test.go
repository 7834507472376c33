package assets_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
	"github.com/vitrine-tools/vitrine/exporters/iiif"
	"github.com/vitrine-tools/vitrine/model"
)

// TestDerivativesCarryNoMetadata builds the derivatives of a camera JPEG
// (EXIF with GPS, serials, owner, maker notes and a thumbnail; XMP with a
// position; IPTC; a comment) and of a PNG with EXIF and text chunks: no
// published file carries any of it, and full/max of the JPEG is still its
// compressed image as it is. With KeepRights every JPEG derivative carries
// the plate's rights and creator in XMP, and nothing else.
func TestDerivativesCarryNoMetadata(t *testing.T) {
	pic := image.NewRGBA(image.Rect(0, 0, 700, 600))
	for i := range pic.Pix {
		pic.Pix[i] = byte(i/4%700/3 + i/2800/5)
	}
	var jb, pb bytes.Buffer
	jpeg.Encode(&jb, pic, &jpeg.Options{Quality: 90})
	png.Encode(&pb, pic)
	var tb bytes.Buffer
	jpeg.Encode(&tb, image.NewGray(image.Rect(0, 0, 16, 16)), nil)
	thumb := tb.Bytes()
	exif := append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, thumb)...)
	camera := embedded.InsertSegments(jb.Bytes(),
		embedded.Segment(0xE1, exif),
		embedded.Segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta exif:GPSLatitude=\"37,33N\" aux:SerialNumber=\"SN4410027731\"/>")),
		embedded.Segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04")),
		embedded.Segment(0xFE, []byte("Jane's camera")))
	pngMeta := pb.Bytes()
	pngMeta = append(pngMeta[:33:33], append(append(icctest.PNGChunk("eXIf", exif[6:]), icctest.PNGChunk("tEXt", []byte("Author\x00Jane Photographer"))...), pngMeta[33:]...)...)

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "images/camera.jpg"), camera)
	writeFile(t, filepath.Join(dir, "images/scan.png"), pngMeta)
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(`slug: private
languages: [en]
title: Private
rights: http://rightsstatements.org/vocab/InC/1.0/
credit: Courtesy of the City Archive
plates:
  - number: "1"
    caption: Camera
    creator: Kim Photographer
    images: [{path: images/camera.jpg}]
  - number: "2"
    caption: Scan
    images: [{path: images/scan.png}]
`))
	ex, err := model.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	book := assets.Resized{Name: "epub.jpg", MaxEdge: 400, Quality: 85}
	derivers := []assets.Deriver{iiif.Pyramid{}, book}
	for _, keep := range []bool{false, true} {
		name := "stripped"
		if keep {
			name = "rights kept"
		}
		t.Run(name, func(t *testing.T) {
			store, err := assets.New(ex, assets.Options{CacheDir: filepath.Join(dir, "cache"), KeepRights: keep})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			if err := store.Run(context.Background(), derivers); err != nil {
				t.Fatal(err)
			}
			if keep && store.Stats().Derived == 0 {
				t.Error("the derivatives with rights came from the cache of those without")
			}
			for _, rel := range []string{"images/camera.jpg", "images/scan.png"} {
				for _, d := range derivers {
					root, files, _ := store.Files(rel, d)
					for _, f := range files {
						data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
						if err != nil {
							t.Fatal(err)
						}
						rep := embedded.Survey(bytes.NewReader(data), int64(len(data)), "jpeg")
						if len(rep.Private()) > 0 || rep.IPTC || rep.Comment || rep.Profile != nil || rep.XMP != keep {
							t.Errorf("%s %s carries %+v", rel, f, rep)
						}
						for _, s := range []string{"SN4410027731", "Jane", "Examplecam", "Exif"} {
							if bytes.Contains(data, []byte(s)) {
								t.Errorf("%s %s contains %q", rel, f, s)
							}
						}
						if keep {
							for _, s := range []string{"Courtesy of the City Archive", "http://rightsstatements.org/vocab/InC/1.0/"} {
								if !bytes.Contains(data, []byte(s)) {
									t.Errorf("%s %s lacks %q", rel, f, s)
								}
							}
							if rel == "images/camera.jpg" && !bytes.Contains(data, []byte("<rdf:li>Kim Photographer</rdf:li>")) {
								t.Errorf("%s %s lacks the creator", rel, f)
							}
						}
					}
				}
			}
			// full/max of the camera JPEG: its own pixels, losslessly.
			root, _, _ := store.Files("images/camera.jpg", iiif.Pyramid{})
			full, err := os.ReadFile(filepath.Join(root, "full/max/0/default.jpg"))
			if err != nil {
				t.Fatal(err)
			}
			a, err1 := jpeg.Decode(bytes.NewReader(full))
			b, err2 := jpeg.Decode(bytes.NewReader(camera))
			if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("full/max does not decode to the master's pixels (%v, %v)", err1, err2)
			}
			if !keep && len(full) >= len(camera) {
				t.Errorf("full/max is %d bytes, the master %d: nothing was dropped", len(full), len(camera))
			}
			if strings.Contains(string(full), "ICC_PROFILE") {
				t.Error("full/max carries a profile")
			}
		})
	}
}
