package iiif

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// photoLike is a deterministic w x h image with gradients, edges and noise,
// which JPEG compresses to about the bits per pixel of a photograph.
func photoLike(w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := (x*255/w+y*255/h)/2 + int(r.IntN(48)) - 24
			if (x/97+y/61)%5 == 0 {
				v = 255 - v
			}
			img.Y[img.YOffset(x, y)] = uint8(min(255, max(0, v)))
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			i := img.COffset(x*2, y*2)
			img.Cb[i] = uint8(128 + (x*64/w - 16) + r.IntN(8))
			img.Cr[i] = uint8(128 + (y*64/h - 16) + r.IntN(8))
		}
	}
	return img
}

// BenchmarkTilesVsVips times, on the same 24-megapixel JPEG and in the same
// run, vitrine's level-0 pyramid (read, hash, decode, tiles, listed sizes
// and full/max, through the asset store with an empty cache) against
// `vips dzsave --layout iiif3 --tile-size 512` (decode and tiles only: vips
// writes no sizes and no full/ image). It reports milliseconds per
// megapixel for each and their ratio, in wall time and in CPU time (user +
// system; the fairer figure on a shared machine). Run it with:
//
//	go test -run '^$' -bench TilesVsVips -benchtime 3x ./exporters/iiif/
func BenchmarkTilesVsVips(b *testing.B) {
	vips := vipsTool(b, "vips")
	const w, h = 6000, 4000
	dir := b.TempDir()
	writeFile(b, filepath.Join(dir, "images/master.jpg"), encodeJPEG(b, photoLike(w, h)))
	writeFile(b, filepath.Join(dir, "exhibition.yaml"), []byte("slug: bench\nlanguages: [en]\ntitle: Bench\nrights: http://rightsstatements.org/vocab/InC/1.0/\nplates:\n  - number: \"1\"\n    caption: Master\n    images: [{path: images/master.jpg}]\n"))
	ex, err := model.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	mp := float64(w*h) / 1e6
	var ours, theirs, oursCPU, theirsCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cache := filepath.Join(dir, fmt.Sprintf("cache-%d", i))
		c0 := cpuTime()
		t0 := time.Now()
		store, err := assets.New(ex, assets.Options{CacheDir: cache})
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Run(context.Background(), []assets.Deriver{Pyramid{}}); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(t0)
		oursCPU += cpuTime() - c0
		store.Close()

		dst := filepath.Join(dir, fmt.Sprintf("vips-%d", i))
		t0 = time.Now()
		cmd := exec.Command(vips, "dzsave", filepath.Join(dir, "images/master.jpg"), dst,
			"--layout", "iiif3", "--tile-size", "512", "--overlap", "0", "--suffix", ".jpg[Q=85]")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("vips dzsave: %v\n%s", err, out)
		}
		theirs += time.Since(t0)
		theirsCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		os.RemoveAll(cache)
		os.RemoveAll(dst)
	}
	n := float64(b.N)
	b.ReportMetric(float64(ours.Milliseconds())/n/mp, "vitrine-ms/MP")
	b.ReportMetric(float64(theirs.Milliseconds())/n/mp, "vips-ms/MP")
	b.ReportMetric(float64(ours)/float64(theirs), "vitrine/vips")
	b.ReportMetric(float64(oursCPU.Milliseconds())/n/mp, "vitrine-cpu-ms/MP")
	b.ReportMetric(float64(theirsCPU.Milliseconds())/n/mp, "vips-cpu-ms/MP")
	b.ReportMetric(float64(oursCPU)/float64(theirsCPU), "cpu-vitrine/vips")
}
