package importer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Copy is an image file an importer wants copied into the exhibition
// folder: from Src (a path in the file system) to Dst (slash-separated,
// relative to the exhibition folder).
type Copy struct {
	Src, Dst string
}

// CopyFiles copies each file into dir, first to a temporary name beside the
// target and then by rename, so no target is ever half-written. A target
// that exists with the same bytes is left alone; one with other bytes is an
// error unless force is set. It returns the paths it created, so the caller
// can remove them if a later step fails; on its own error it removes them
// itself. Every conflict is checked before anything is copied.
//
// Cancelling ctx (Ctrl-C) stops between two files and removes what was
// copied.
func CopyFiles(ctx context.Context, dir string, copies []Copy, force bool) ([]string, error) {
	var todo []Copy
	var errs []string
	for _, c := range copies {
		dst := filepath.Join(dir, filepath.FromSlash(c.Dst))
		same, exists, err := sameFile(c.Src, dst)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if same {
			continue
		}
		if exists && !force {
			errs = append(errs, fmt.Sprintf("%s exists and differs from %s; use --force to replace it", dst, c.Src))
			continue
		}
		todo = append(todo, c)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", joinLines(errs))
	}
	var created []string
	for _, c := range todo {
		dst := filepath.Join(dir, filepath.FromSlash(c.Dst))
		err := ctx.Err()
		if err == nil {
			err = copyFile(c.Src, dst)
		}
		if err != nil {
			for _, p := range created {
				os.Remove(p)
			}
			return nil, err
		}
		created = append(created, dst)
	}
	return created, nil
}

func joinLines(l []string) string {
	var b bytes.Buffer
	for i, s := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String()
}

func sameFile(src, dst string) (same, exists bool, err error) {
	a, err := os.ReadFile(src)
	if err != nil {
		return false, false, err
	}
	b, err := os.ReadFile(dst)
	if os.IsNotExist(err) {
		return false, false, nil
	}
	if err != nil {
		return false, true, err
	}
	return bytes.Equal(a, b), true, nil
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := out.Name()
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
