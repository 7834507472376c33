package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/csvimport"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// decodeSources decodes every image a sheet names, where it is now, as
// build (and validate) decode it, so that an image build could not use is
// reported at its cell before anything is written, and one build would
// repair is a notice. Verdicts are kept in the derivative cache (cacheDir,
// "" for build's default), as validate keeps them.
func decodeSources(ctx context.Context, srcs []csvimport.Source, maxPixels int64, cacheDir string) (errs []string, notes []importer.Notice, err error) {
	if cacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cacheDir = filepath.Join(d, "vitrine")
		}
	}
	byDir := map[string][]csvimport.Source{}
	var dirs []string
	for _, s := range srcs {
		if s.Attachment {
			continue
		}
		if _, ok := byDir[s.Dir]; !ok {
			dirs = append(dirs, s.Dir)
		}
		byDir[s.Dir] = append(byDir[s.Dir], s)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		// One plate per file, in a stand-in exhibition rooted where the
		// files are.
		ex := &model.Exhibition{Dir: dir, Slug: "check", Languages: []string{"en"}, Title: model.Text{"en": "check"}, Rights: csvimport.UndeterminedRights}
		seen := map[string]bool{}
		for _, s := range byDir[dir] {
			if !seen[s.Rel] {
				seen[s.Rel] = true
				ex.Plates = append(ex.Plates, model.Plate{Number: fmt.Sprint(len(ex.Plates) + 1), Caption: model.Text{"en": s.Rel}, Images: []model.Image{{Path: s.Rel}}})
			}
		}
		store, err := assets.New(ex, assets.Options{CacheDir: cacheDir, MaxPixels: maxPixels})
		if err != nil {
			return nil, nil, err
		}
		if err := store.Run(ctx, nil); err != nil && ctx.Err() != nil {
			store.Close()
			return nil, nil, errors.New("interrupted")
		}
		failed := store.Failed()
		for _, s := range byDir[dir] {
			if e, bad := failed[s.Rel]; bad {
				msg := strings.TrimPrefix(e.Error(), assets.ErrImage.Error()+" ")
				errs = append(errs, fmt.Sprintf("line %d, column %q: %s (build cannot use this image: replace it)", s.Line, s.Column, msg))
			} else if m := store.Master(s.Rel); m != nil && m.Damage != "" {
				notes = append(notes, importer.Notice{Line: s.Line, Column: s.Column, Kind: importer.Warning,
					Msg: fmt.Sprintf("%q is damaged: %s (build repairs it as other readers do; compare it with its source and replace it if you can)", s.Rel, m.Damage)})
			}
		}
		store.Close()
	}
	return errs, notes, nil
}
