package iiif

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTIFFsReadBandByBand builds TIFF masters wider than assets.HeldEdge,
// written by libvips in the layouts archives use (LZW with the predictor in
// strips, Deflate in tiles as BigTIFF, 16-bit PackBits), so their large
// levels are made from bands: every file OpenSeadragon asks for exists and
// decodes (checkOut), and full/max has the master's size and colours.
func TestTIFFsReadBandByBand(t *testing.T) {
	vips := vipsTool(t, "vips")
	dir := t.TempDir()
	png := filepath.Join(dir, "src.png")
	writeFile(t, png, encodePNG(t, testImage(900, 600)))
	wide := filepath.Join(dir, "wide.v")
	run(t, vips, "resize", png, wide, "10", "--vscale", "1", "--kernel", "nearest")
	files := map[string][]byte{}
	for name, args := range map[string][]string{
		"strips-lzw.tif": {"tiffsave", wide, filepath.Join(dir, "strips-lzw.tif"), "--compression", "lzw", "--predictor", "horizontal"},
		"tiles-big.tif":  {"tiffsave", wide, filepath.Join(dir, "tiles-big.tif"), "--compression", "deflate", "--tile", "--tile-width", "256", "--tile-height", "256", "--bigtiff"},
		"packbits16.tif": {"cast", wide, filepath.Join(dir, "packbits16.tif[compression=packbits]"), "ushort", "--shift"},
	} {
		run(t, vips, args...)
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	names := []string{"strips-lzw.tif", "tiles-big.tif", "packbits16.tif"}
	out := t.TempDir()
	build(t, single(t, "bands", files, names...), out, buildOpts{tiles: true})
	checkOut(t, out, "http://127.0.0.1:8080/")
	for _, n := range names {
		id := "images-" + strings.TrimSuffix(n, filepath.Ext(n))
		img := decodeFile(t, filepath.Join(out, "iiif/bands/images", id, "full/max/0/default.jpg"))
		if b := img.Bounds(); b.Dx() != 9000 || b.Dy() != 600 {
			t.Fatalf("%s: full/max is %v", n, b)
		}
		if !near(img.At(200, 20), red, 40) || !near(img.At(8000, 500), blue, 40) || !near(img.At(2300, 20), blue, 40) {
			t.Errorf("%s: colours %v %v %v, want red, blue, blue", n, img.At(200, 20), img.At(8000, 500), img.At(2300, 20))
		}
		tile := decodeFile(t, filepath.Join(out, "iiif/bands/images", id, "2048,0,512,512/512,512/0/default.jpg"))
		if !near(tile.At(100, 20), red, 40) || !near(tile.At(400, 20), blue, 40) {
			t.Errorf("%s: tile colours %v %v", n, tile.At(100, 20), tile.At(400, 20))
		}
	}
}
