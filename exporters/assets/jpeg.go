package assets

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"github.com/vitrine-tools/vitrine/exporters/assets/jpegcoef"
)

// jfif is a JFIF APP0 segment: version 1.01, aspect ratio 1:1, no thumbnail.
// Go's image/jpeg writes none, and some readers (pandoc, older e-readers)
// then cannot tell the image's size or colour space.
var jfif = []byte{0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00}

// Codec names the JPEG codec of this build: "go" (image/jpeg, the default)
// or "turbojpeg" (libjpeg-turbo, with the turbojpeg build tag). It is part of
// every cache key, since the codecs write different bytes.
var Codec = "go"

// jpegEncoder, when set (turbojpeg build tag), encodes img if it can; it
// returns ok false to fall back to image/jpeg.
var jpegEncoder func(w io.Writer, img image.Image, quality int) (ok bool, err error)

// EncodeJPEG writes img as a baseline JPEG with a JFIF header (4:2:0 for
// colour images, or the subsampling of a YCbCr image with the turbojpeg
// codec). It is safe for concurrent use.
//
// Without the turbojpeg codec, a grey image or a YCbCr 4:2:0 one (every
// level and resampled image of a JPEG master) is encoded by package
// jpegcoef, from its planes as they are, about twice as fast as image/jpeg
// at the same quality tables and the same size; other images go to
// image/jpeg as RGBA or YCbCr, its fast paths.
func EncodeJPEG(w io.Writer, img image.Image, quality int) error {
	if jpegEncoder != nil {
		if ok, err := jpegEncoder(w, opaqueFast(img), quality); ok || err != nil {
			return err
		}
	} else if m, err := jpegcoef.FromPixels(img, quality); err == nil {
		return m.WriteCrop(w, image.Rect(0, 0, m.Width, m.Height))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, opaqueFast(img), &jpeg.Options{Quality: quality}); err != nil {
		return err
	}
	b := buf.Bytes()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return fmt.Errorf("jpeg: encoder wrote no SOI marker")
	}
	bw := bufio.NewWriter(w)
	bw.Write(b[:2])
	bw.Write(jfif)
	bw.Write(b[2:])
	return bw.Flush()
}

// opaqueFast presents an opaque NRGBA image as RGBA without copying (the
// bytes are identical when alpha is 255), which image/jpeg encodes about
// 1.75x faster.
func opaqueFast(img image.Image) image.Image {
	if n, ok := img.(*image.NRGBA); ok && n.Opaque() {
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	return img
}

// Resized is a Deriver that writes the master scaled to fit MaxEdge pixels
// (never enlarged) as a JPEG of the given Quality, in the file Name.
type Resized struct {
	Name    string
	MaxEdge int
	Quality int
}

// Key implements Deriver.
func (r Resized) Key() string { return fmt.Sprintf("resized/%s/%d/q%d", r.Name, r.MaxEdge, r.Quality) }

// Derive implements Deriver.
func (r Resized) Derive(ctx context.Context, src *Source, dst *Dir) error {
	w, h := src.Fit(r.MaxEdge)
	f, err := dst.Create(r.Name)
	if err != nil {
		return err
	}
	if err := EncodeJPEG(f, src.Resize(w, h), r.Quality); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
