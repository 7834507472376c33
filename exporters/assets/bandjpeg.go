package assets

import (
	"fmt"
	"image"
	"io"
	"runtime"
	"sync"

	"github.com/vitrine-tools/vitrine/exporters/assets/jpegcoef"
)

// BandJPEG writes one JPEG of a whole level from its bands (see BandSink),
// in memory bounded by the level's width.
type BandJPEG struct {
	enc *jpegcoef.StreamEncoder
}

// NewBandJPEG writes the header of a width x height JPEG at quality to w;
// grey says whether the bands will be *image.Gray (else 4:2:0 YCbCr).
func NewBandJPEG(w io.Writer, width, height int, grey bool, quality int) (*BandJPEG, error) {
	e, err := jpegcoef.NewStreamEncoder(w, width, height, grey, quality)
	if err != nil {
		return nil, err
	}
	return &BandJPEG{enc: e}, nil
}

// Close ends the JPEG; every row must have been written.
func (b *BandJPEG) Close() error { return b.enc.Close() }

// WriteBand appends a band to the JPEG.
func (b *BandJPEG) WriteBand(img image.Image) error { return b.enc.WriteBand(img) }

// EncodeBand cuts a band (as a BandSink receives it) into tiles of tile
// pixels wide and the band's height, and encodes each as a JPEG at
// quality, handing its bytes to write(tx, bytes) on several goroutines
// at once (write must be safe for concurrent use). When full is not nil
// the band is appended to it from the same DCT coefficients (one
// transform for both). tile must be a multiple of 16.
func EncodeBand(img image.Image, tile, quality int, full *BandJPEG, write func(tx int, jpeg []byte) error) error {
	b := img.Bounds()
	if tile%16 != 0 || b.Min != (image.Point{}) {
		return fmt.Errorf("assets: tiles of %d px from a band at %v", tile, b.Min)
	}
	n := ceilDiv(b.Dx(), tile)
	coefs := make([]*jpegcoef.Image, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tx := range jobs {
				r := image.Rect(tx*tile, 0, min((tx+1)*tile, b.Dx()), b.Dy())
				m, err := jpegcoef.FromPixels(subImage(img, r), quality)
				if err == nil {
					var buf bytesWriter
					if err = m.WriteCrop(&buf, image.Rect(0, 0, m.Width, m.Height)); err == nil {
						err = write(tx, buf)
					}
				}
				coefs[tx], errs[tx] = m, err
			}
		}()
	}
	for tx := range n {
		jobs <- tx
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if full != nil {
		return full.enc.WriteTiles(coefs)
	}
	return nil
}

// bytesWriter collects what is written to it.
type bytesWriter []byte

func (w *bytesWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}
