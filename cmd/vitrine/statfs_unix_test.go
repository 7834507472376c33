//go:build linux || darwin

package main

import (
	"syscall"
	"testing"
)

// freeBlocks returns the free blocks of the file system holding path.
func freeBlocks(t *testing.T, path string) uint64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		t.Fatal(err)
	}
	return uint64(st.Bfree)
}
