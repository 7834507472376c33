//go:build turbojpeg && cgo

package assets

// The optional native JPEG codec: libjpeg-turbo's TurboJPEG API, about 4x
// faster than image/jpeg to decode and 6x to encode. Build with
//
//	apt-get install libturbojpeg0-dev   (Debian, Ubuntu)
//	go build -tags turbojpeg ./cmd/vitrine
//
// Decoding goes straight into the planes of an image.YCbCr (no colour
// conversion), and YCbCr pyramid levels are encoded from their planes.
// CMYK/YCCK JPEGs and unusual subsamplings fall back to image/jpeg.

/*
#cgo LDFLAGS: -lturbojpeg
#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

static int vt_header(const unsigned char *buf, unsigned long n, int *w, int *h, int *samp, int *cs) {
	tjhandle t = tjInitDecompress();
	if (!t) return -1;
	int r = tjDecompressHeader3(t, buf, n, w, h, samp, cs);
	tjDestroy(t);
	return r;
}

static int vt_decode_yuv(const unsigned char *buf, unsigned long n, unsigned char *y, unsigned char *u, unsigned char *v,
		int w, int ys, int cs, int h, char *err, int errn) {
	tjhandle t = tjInitDecompress();
	if (!t) return -1;
	unsigned char *planes[3] = {y, u, v};
	int strides[3] = {ys, cs, cs};
	int r = tjDecompressToYUVPlanes(t, buf, n, planes, w, strides, h, 0);
	if (r) snprintf(err, errn, "%s", tjGetErrorStr2(t));
	tjDestroy(t);
	return r;
}

static int vt_decode_gray(const unsigned char *buf, unsigned long n, unsigned char *dst, int w, int pitch, int h, char *err, int errn) {
	tjhandle t = tjInitDecompress();
	if (!t) return -1;
	int r = tjDecompress2(t, buf, n, dst, w, pitch, h, TJPF_GRAY, 0);
	if (r) snprintf(err, errn, "%s", tjGetErrorStr2(t));
	tjDestroy(t);
	return r;
}

// vt_encode compresses packed pixels (pf) or YUV planes (y != NULL) into a
// buffer the caller frees with tjFree.
static int vt_encode(const unsigned char *pix, int pf, const unsigned char *y, const unsigned char *u, const unsigned char *v,
		int w, int pitch, int cs, int h, int samp, int q, unsigned char **out, unsigned long *outn, char *err, int errn) {
	tjhandle t = tjInitCompress();
	if (!t) return -1;
	int r;
	*out = NULL;
	*outn = 0;
	if (y) {
		const unsigned char *planes[3] = {y, u, v};
		int strides[3] = {pitch, cs, cs};
		r = tjCompressFromYUVPlanes(t, planes, w, strides, h, samp, out, outn, q, 0);
	} else {
		r = tjCompress2(t, pix, w, pitch, h, pf, out, outn, samp, q, 0);
	}
	if (r) snprintf(err, errn, "%s", tjGetErrorStr2(t));
	tjDestroy(t);
	return r;
}
*/
import "C"

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"unsafe"
)

func init() {
	Codec = "turbojpeg"
	jpegDecoder = turboDecode
	jpegEncoder = turboEncode
}

var tjSamp = map[C.int]image.YCbCrSubsampleRatio{
	C.TJSAMP_444: image.YCbCrSubsampleRatio444,
	C.TJSAMP_422: image.YCbCrSubsampleRatio422,
	C.TJSAMP_420: image.YCbCrSubsampleRatio420,
	C.TJSAMP_440: image.YCbCrSubsampleRatio440,
	C.TJSAMP_411: image.YCbCrSubsampleRatio411,
}

func turboDecode(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	buf := (*C.uchar)(unsafe.Pointer(&data[0]))
	n := C.ulong(len(data))
	var w, h, samp, cs C.int
	if C.vt_header(buf, n, &w, &h, &samp, &cs) != 0 {
		return jpeg.Decode(bytes.NewReader(data))
	}
	var errBuf [200]C.char
	fail := func() error { return errors.New("libjpeg-turbo: " + C.GoString(&errBuf[0])) }
	switch {
	case cs == C.TJCS_GRAY:
		img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
		if C.vt_decode_gray(buf, n, (*C.uchar)(&img.Pix[0]), w, C.int(img.Stride), h, &errBuf[0], C.int(len(errBuf))) != 0 {
			return nil, fail()
		}
		return img, nil
	case cs == C.TJCS_YCbCr:
		ratio, ok := tjSamp[samp]
		if !ok {
			break
		}
		// TurboJPEG writes whole MCUs into the planes: allocate the padded
		// size, and return the image's own rectangle of it.
		pw, ph := int(C.tjPlaneWidth(0, w, samp)), int(C.tjPlaneHeight(0, h, samp))
		img := image.NewYCbCr(image.Rect(0, 0, pw, ph), ratio)
		if cw, ch := chromaSize(pw, ph, ratio); cw < int(C.tjPlaneWidth(1, w, samp)) || ch < int(C.tjPlaneHeight(1, h, samp)) {
			return jpeg.Decode(bytes.NewReader(data))
		}
		if C.vt_decode_yuv(buf, n, (*C.uchar)(&img.Y[0]), (*C.uchar)(&img.Cb[0]), (*C.uchar)(&img.Cr[0]),
			w, C.int(img.YStride), C.int(img.CStride), h, &errBuf[0], C.int(len(errBuf))) != 0 {
			return nil, fail()
		}
		return img.SubImage(image.Rect(0, 0, int(w), int(h))), nil
	}
	return jpeg.Decode(bytes.NewReader(data))
}

func turboEncode(w io.Writer, img image.Image, quality int) (bool, error) {
	b := img.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		return false, nil
	}
	var out *C.uchar
	var outn C.ulong
	var errBuf [200]C.char
	var r C.int
	q := C.int(quality)
	switch m := img.(type) {
	case *image.YCbCr:
		var samp C.int = -1
		for k, v := range tjSamp {
			if v == m.SubsampleRatio {
				samp = k
			}
		}
		// A crop (a tile) must start on a chroma sample.
		if samp < 0 || b.Min.X%4 != 0 || b.Min.Y%2 != 0 {
			return false, nil
		}
		yo, co := m.YOffset(b.Min.X, b.Min.Y), m.COffset(b.Min.X, b.Min.Y)
		r = C.vt_encode(nil, 0, (*C.uchar)(&m.Y[yo]), (*C.uchar)(&m.Cb[co]), (*C.uchar)(&m.Cr[co]),
			C.int(b.Dx()), C.int(m.YStride), C.int(m.CStride), C.int(b.Dy()), samp, q, &out, &outn, &errBuf[0], C.int(len(errBuf)))
	case *image.RGBA:
		r = C.vt_encode((*C.uchar)(&m.Pix[m.PixOffset(b.Min.X, b.Min.Y)]), C.TJPF_RGBX, nil, nil, nil,
			C.int(b.Dx()), C.int(m.Stride), 0, C.int(b.Dy()), C.TJSAMP_420, q, &out, &outn, &errBuf[0], C.int(len(errBuf)))
	case *image.Gray:
		r = C.vt_encode((*C.uchar)(&m.Pix[m.PixOffset(b.Min.X, b.Min.Y)]), C.TJPF_GRAY, nil, nil, nil,
			C.int(b.Dx()), C.int(m.Stride), 0, C.int(b.Dy()), C.TJSAMP_GRAY, q, &out, &outn, &errBuf[0], C.int(len(errBuf)))
	default:
		return false, nil
	}
	if out != nil {
		defer C.tjFree(out)
	}
	if r != 0 {
		return true, errors.New("libjpeg-turbo: " + C.GoString(&errBuf[0]))
	}
	_, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(out)), int(outn)))
	return true, err
}
