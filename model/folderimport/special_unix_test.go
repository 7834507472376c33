//go:build unix

package folderimport

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportSkipsSpecialFiles: a named pipe named like an image (and a
// link to nothing) is skipped with a notice instead of blocking the import
// for ever.
func TestImportSkipsSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	img, err := os.ReadFile(filepath.Join("testdata", "folder", "1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "1.jpg"), img, 0o644)
	if err := syscall.Mkfifo(filepath.Join(dir, "2.jpg"), 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	os.Symlink("nowhere.jpg", filepath.Join(dir, "3.jpg"))
	type result struct {
		plates int
		notes  string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		ex, notes, err := Import(dir, Options{Title: "T"})
		var r result
		r.err = err
		if ex != nil {
			r.plates = len(ex.Plates)
		}
		for _, n := range notes {
			r.notes += n.String() + "\n"
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.plates != 1 || !strings.Contains(r.notes, "2.jpg") || !strings.Contains(r.notes, "3.jpg") {
			t.Errorf("%d plates, notices:\n%s", r.plates, r.notes)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Import blocked on a named pipe")
	}
}
