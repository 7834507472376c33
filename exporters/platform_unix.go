//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package exporters

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// tryLock opens path (creating it when create is set) and takes an
// exclusive advisory lock on it without waiting. The lock lasts until the
// file is closed or the process ends, however it ends.
func tryLock(path string, create bool) (*os.File, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// linkAt makes name in the folder dir a hard link to the file src.
func linkAt(src string, dir *os.File, name string) error {
	return unix.Linkat(unix.AT_FDCWD, src, int(dir.Fd()), name, 0)
}

// linkable says whether linkAt can work on this system (for tests).
const linkable = true
