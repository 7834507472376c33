//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package exporters

import (
	"errors"
	"os"
)

// tryLock is not available here: staging folders left by a killed build
// are then not removed automatically.
func tryLock(path string, create bool) (*os.File, error) {
	return nil, errors.New("file locks are not supported on this system")
}

// linkAt is not used here: files are copied.
func linkAt(src string, dir *os.File, name string) error { return errors.ErrUnsupported }

// linkable says whether linkAt can work on this system (for tests).
const linkable = false
