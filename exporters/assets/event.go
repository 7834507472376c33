package assets

import "time"

// EventKind says what an Event reports.
type EventKind int

// Kinds of Event, in the order Run reports them.
const (
	// Started: Run is about to process Total masters of TotalBytes bytes.
	Started EventKind = iota
	// ImageDone: one master is done, from the cache or read and decoded
	// (Path, Size, How, Took, Master), or failed (Err).
	ImageDone
	// Finished: every master is done (Total, Read, Derived, Cached, Took).
	Finished
)

// Event is one report of Store.Run to Options.Progress. A failing image is
// an event like any other (Err set), so that a caller can list what failed
// and go on drawing; Run still returns every failure as its error.
type Event struct {
	Kind EventKind
	// Total and TotalBytes count the masters of the run and their bytes
	// (Started, Finished).
	Total      int
	TotalBytes int64
	// Path is the master's path in the exhibition file (ImageDone).
	Path string
	// Size is the master's size in bytes, 0 when it could not be read.
	Size int64
	// How says how the master was served: "cached" (its derivatives
	// were all in the cache), "decoded", or "decoded band by band" (a
	// TIFF, see BandDeriver) followed by notes such as "; the file holds 3
	// images, the first was used" (ImageDone, no error).
	How string
	// Master is the master as read, nil when Err is set (ImageDone).
	Master *Master
	// Err is what went wrong with this image (ImageDone). Cancelled is set
	// instead when the run was cancelled while the image was processed.
	Err       error
	Cancelled bool
	// Took is the time spent on this master (ImageDone) or on the whole
	// run (Finished).
	Took time.Duration
	// Read, Derived and Cached count the masters read and the derivatives
	// made and found in the cache (Finished).
	Read, Derived, Cached int
	// Colour ends the run's summary line (Finished): "; converted to sRGB:
	// 2 from \"Adobe RGB (1998)\"", then a line "colour: plate 7 (...) is
	// approximate: ..." for each plate whose colours only approximate its
	// master's; "" when no master had a profile to apply or refuse.
	Colour string
}

// report hands ev to Options.Progress, one call at a time.
func (s *Store) report(ev Event) {
	if s.opt.Progress == nil {
		return
	}
	s.progMu.Lock()
	defer s.progMu.Unlock()
	s.opt.Progress(ev)
}
