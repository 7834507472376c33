package imagemeta

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"io/fs"
)

// Importing this package registers BigTIFF with package image under the
// name "tiff", for image.DecodeConfig (validation reads only headers):
// golang.org/x/image/tiff reads classic TIFF only. Decoding a BigTIFF whole
// is refused with ErrWholeBigTIFF: the asset store reads BigTIFF masters
// band by band (package tiffband).
func init() {
	image.RegisterFormat("tiff", "II+\x00", decodeBigTIFF, BigTIFFConfig)
	image.RegisterFormat("tiff", "MM\x00+", decodeBigTIFF, BigTIFFConfig)
}

// ErrWholeBigTIFF is returned by image.Decode for a BigTIFF.
var ErrWholeBigTIFF = errors.New("imagemeta: a BigTIFF is not decoded whole; vitrine reads uncompressed, LZW, Deflate or PackBits BigTIFFs of 8 or 16-bit grey or RGB band by band, shown as stored: save other BigTIFFs as classic TIFF")

func decodeBigTIFF(io.Reader) (image.Image, error) { return nil, ErrWholeBigTIFF }

// BigTIFFConfig reads the size and colour model of the first page of a TIFF
// or BigTIFF. From an io.ReaderAt it reads only the header and the IFD;
// from a plain reader it reads up to 1 GiB to find the IFD.
func BigTIFFConfig(r io.Reader) (image.Config, error) {
	var f *File
	var err error
	if ra, ok := r.(io.ReaderAt); ok {
		size := int64(1) << 62
		if s, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok { // an *os.File
			if st, err := s.Stat(); err == nil {
				size = st.Size()
			}
		}
		f, err = Open(ra, size)
	} else {
		var b []byte
		b, err = io.ReadAll(io.LimitReader(r, 1<<30))
		if err == nil {
			f, err = Open(bytes.NewReader(b), int64(len(b)))
		}
	}
	if err != nil {
		return image.Config{}, err
	}
	d, err := f.ReadIFD(f.First)
	if err != nil {
		return image.Config{}, err
	}
	w, h := d.Uint(TagImageWidth, 0), d.Uint(TagImageLength, 0)
	if w == 0 || h == 0 || w > 1<<24 || h > 1<<24 {
		return image.Config{}, fmt.Errorf("%w: size %dx%d", ErrFormat, w, h)
	}
	model := color.RGBAModel
	sixteen := d.Uint(TagBitsPerSample, 8) == 16
	switch d.Uint(TagPhotometricInterpretation, 2) {
	case 0, 1:
		model = color.GrayModel
		if sixteen {
			model = color.Gray16Model
		}
	default:
		if sixteen {
			model = color.RGBA64Model
		}
	}
	return image.Config{ColorModel: model, Width: int(w), Height: int(h)}, nil
}
