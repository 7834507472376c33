package assets

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"image"
	"io"
	"os"
	"testing"

	"github.com/disintegration/imaging"
)

// The stage benchmarks use the master named by VITRINE_BENCH_IMAGE (e.g. a
// 6000x4000 JPEG from `go run ./samples/gen-bench`), or else a small
// synthetic JPEG. Run them with
//
//	VITRINE_BENCH_IMAGE=/tmp/bench/images/plate-001.jpg go test -run '^$' -bench . ./exporters/assets
//	... -tags turbojpeg ...  for the libjpeg-turbo codec
func benchMaster(b *testing.B) []byte {
	b.Helper()
	if p := os.Getenv("VITRINE_BENCH_IMAGE"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	return photo(b, 1500, 1000, 1)
}

func benchSource(b *testing.B) *Source {
	img, err := decodeImage(benchMaster(b), "jpeg")
	if err != nil {
		b.Fatal(err)
	}
	return pixelSource(img, nil, "")
}

func BenchmarkDecode(b *testing.B) {
	data := benchMaster(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeImage(data, "jpeg"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHalveLevel1(b *testing.B) {
	src := benchSource(b)
	for b.Loop() {
		halve(src.Full())
	}
}

func BenchmarkImagingBoxLevel1(b *testing.B) {
	full := benchSource(b).Full()
	w, h := full.Bounds().Dx(), full.Bounds().Dy()
	for b.Loop() {
		imaging.Resize(full, (w+1)/2, (h+1)/2, imaging.Box)
	}
}

func BenchmarkResize1600FromLevel(b *testing.B) {
	src := benchSource(b)
	w, h := src.Fit(1600)
	src.AtLeast(w, h)
	for b.Loop() {
		src.Resize(w, h)
	}
}

func BenchmarkResize1600FromMaster(b *testing.B) {
	src := benchSource(b)
	w, h := src.Fit(1600)
	for b.Loop() {
		imaging.Resize(src.Full(), w, h, imaging.Lanczos)
	}
}

func BenchmarkEncodeTile512(b *testing.B) {
	full := benchSource(b).Full()
	tile := full.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(0, 0, 512, 512).Intersect(full.Bounds()))
	for b.Loop() {
		if err := EncodeJPEG(io.Discard, tile, 85); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSHA256(b *testing.B) {
	data := benchMaster(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sha256.Sum256(data)
	}
}

func BenchmarkSHA512(b *testing.B) {
	data := benchMaster(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sha512.Sum512(data)
	}
}

func BenchmarkZipStore(b *testing.B) {
	data := benchMaster(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "data/master.jpg", Method: zip.Store})
		if err != nil {
			b.Fatal(err)
		}
		w.Write(data)
		zw.Close()
	}
}
