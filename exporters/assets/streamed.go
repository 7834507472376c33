package assets

import (
	"context"
	"fmt"
	"image"
	"io"
	"os"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/exporters/assets/tiffband"
)

// stream processes a TIFF master band by band (package tiffband): one pass
// over the file hashes it, keeps its spool copy and decodes it, and every
// derivative is made from the bands as they go by, so the memory held
// depends on the master's width, not its area. It returns done false, with
// nothing read, for a file that is not a TIFF tiffband reads shown as
// stored (the caller then reads and decodes it whole).
func (s *Store) stream(ctx context.Context, rel, abs string, f *os.File, size, mtime int64, derivers []Deriver) (done bool, how string, err error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrImage, rel, fmt.Sprintf(format, args...))
	}
	var magic [4]byte
	if _, err := f.ReadAt(magic[:], 0); err != nil {
		return false, "", nil
	}
	switch string(magic[:]) {
	case "II*\x00", "MM\x00*", "II+\x00", "MM\x00+":
	default:
		return false, "", nil
	}
	// The header and IFD are read here (kilobytes), the pixels by the pass.
	probe, err := tiffband.Open(f, f, size)
	if err != nil || probe.Orientation != 1 {
		// Damaged (the whole decoder reports it), turned, or a layout read
		// whole.
		return false, "", nil
	}
	if needsColour(f, size) || s.opt.KeepRights {
		// A TIFF with a profile other than sRGB is decoded whole and
		// converted (decodeSource); the bands are not converted yet, nor
		// given the rights XMP (Options.KeepRights).
		return false, "", nil
	}
	if px := int64(probe.Width) * int64(probe.Height); px > s.opt.MaxPixels {
		return true, "", fail("%dx%d = %d pixels is more than the limit of %d; reduce the image or raise --max-pixels", probe.Width, probe.Height, px, s.opt.MaxPixels)
	}
	held, err := s.budget.acquire(ctx, streamCost(probe))
	if err != nil {
		return true, "", err
	}
	defer s.budget.release(held)
	s.count(func(st *Stats) { st.Reads[rel]++; st.Decodes[rel]++ })

	spool, err := s.spoolFile(rel)
	if err != nil {
		return true, "", fail("keeping a copy for the bag: %v", err)
	}
	if spool != nil {
		defer spool.Close()
	}
	var pass *passReader
	if spool != nil {
		pass = newPassReader(f, size, spool)
	} else {
		pass = newPassReader(f, size, nil)
	}
	finished := false
	defer func() {
		if !finished {
			pass.Stop()
		}
	}()
	dec, err := tiffband.Open(f, pass, size)
	if err != nil {
		return true, "", fail("cannot decode the image (%v); re-export it", err)
	}

	// Every derivative goes into a fresh folder of the cache; its name (the
	// master's digest) is known when the pass ends.
	info := BandInfo{Width: dec.Width, Height: dec.Height, Held: heldLevel(dec.Width, dec.Height)}
	outs := make([]*Dir, len(derivers))
	var sinks []BandSink
	for i, d := range derivers {
		out, err := newTempDir(s.opt.CacheDir)
		if err != nil {
			return true, "", fail("cache: %v", err)
		}
		defer out.remove()
		outs[i] = out
		if bd, ok := d.(BandDeriver); ok && info.Held > 0 {
			sink, err := bd.StartBands(ctx, info, out)
			if err != nil {
				return true, "", fail("%s: %v", d.Key(), err)
			}
			if sink != nil {
				sinks = append(sinks, sink)
			}
		}
	}
	bp := newBandPass(ctx, dec, sinks)
	kept, err := bp.run()
	if err != nil {
		if ctx.Err() != nil {
			return true, "", ctx.Err()
		}
		return true, "", fail("cannot decode the image (%v); re-export it", err)
	}
	for _, sink := range sinks {
		if err := sink.Finish(); err != nil {
			return true, "", fail("%v", err)
		}
	}
	finished = true
	h256, h512, crc, err := pass.Finish()
	if err != nil {
		return true, "", fail("reading: %v", err)
	}
	if spool != nil {
		if err := spool.Close(); err != nil {
			return true, "", fail("keeping a copy for the bag: %v", err)
		}
	}
	m := &Master{Path: rel, Size: size, SHA256: h256, SHA512: h512, CRC32: crc, ModTime: mtime, Format: "tiff", Width: dec.Width, Height: dec.Height}
	levels := make([]image.Image, info.Held+1)
	levels[info.Held] = kept
	src := &Source{levels: levels, w: dec.Width, h: dec.Height, format: "tiff", held: info.Held}
	for i, d := range derivers {
		if err := ctx.Err(); err != nil {
			return true, "", err
		}
		if err := d.Derive(ctx, src, outs[i]); err != nil {
			return true, "", fail("%s: %v", d.Key(), err)
		}
		dir := s.derivDir(rel, m.SHA256, d)
		files, err := s.commit(ctx, outs[i], dir)
		if err != nil {
			if ctx.Err() != nil {
				return true, "", ctx.Err()
			}
			return true, "", fail("%s: %v", d.Key(), err)
		}
		s.count(func(st *Stats) { st.Derived++ })
		s.record(rel, d, dir, files)
	}
	if err := s.writeMasterInfo(m); err != nil {
		return true, "", fail("cache: %v", err)
	}
	s.index.put(abs, entryOf(m, mtime))
	s.mu.Lock()
	s.masters[rel] = m
	s.mu.Unlock()
	how = "decoded band by band"
	if dec.Pages > 1 {
		how += fmt.Sprintf("; the file holds %d images, the first was used", dec.Pages)
	}
	if pass.reread > 0 {
		how += fmt.Sprintf("; %.1f MB read twice (strips out of order)", float64(pass.reread)/1e6)
	}
	return true, how, nil
}

// needsColour reports whether a TIFF has an ICC profile other than sRGB
// (one to convert, or one that cannot be applied), reading its directory.
func needsColour(r io.ReaderAt, size int64) bool {
	rep := embedded.Survey(r, size, "tiff")
	if rep.Profile == nil {
		return rep.ProfileErr != nil
	}
	p, err := icc.Parse(rep.Profile)
	if err != nil {
		return true
	}
	t, err := icc.NewTransform(p)
	return err != nil || !t.SRGB()
}
