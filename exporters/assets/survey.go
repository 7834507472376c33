package assets

import (
	"fmt"
	"strings"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/model"
)

// Survey reads what every master of a valid exhibition carries besides
// its pixels (only the metadata: the start of a JPEG, PNG or WebP, the
// directories of a TIFF; infos gives each image's format, as Validate
// read it) and reports, for validate and build:
//
//   - a warning for each image whose ICC profile cannot be applied (LUT
//     or CMYK profiles, damaged ones), naming the file and the profile's
//     description: the plate's published colours will be approximate;
//   - one notice for the whole exhibition listing the private data
//     (GPS positions, serial numbers, owner names, maker notes, embedded
//     thumbnails) that masters carry and published images will not, since
//     the bag keeps the masters as they are.
func Survey(ex *model.Exhibition, infos map[string]model.ImageInfo) model.Problems {
	var ps model.Problems
	seen := map[string]bool{}
	private := map[string][]string{}
	var kinds []string
	nmasters, nprivate := 0, 0
	for i, p := range ex.Plates {
		for j, im := range p.Images {
			if seen[im.Path] {
				continue
			}
			seen[im.Path] = true
			info, ok := infos[im.Path]
			if !ok {
				continue
			}
			nmasters++
			rep, err := surveyFile(ex, im.Path, info.Format)
			if err != nil {
				continue // validate reported it already, or the build will
			}
			path := fmt.Sprintf("plates[%d].images[%d].path", i, j)
			if msg := profileProblem(rep); msg != "" {
				ps = append(ps, ex.ProblemAt(model.Warning, path,
					fmt.Sprintf("%q: %s; plate %s's published images will only approximate its colours", im.Path, msg, p.Number),
					"convert the master to sRGB or to an RGB working space with a matrix profile (Adobe RGB, eciRGB v2, ProPhoto), or accept the approximation"))
			}
			if what := rep.Private(); len(what) > 0 {
				nprivate++
				for _, w := range what {
					if private[w] == nil {
						kinds = append(kinds, w)
					}
					private[w] = append(private[w], im.Path)
				}
			}
		}
	}
	if nprivate > 0 {
		var parts []string
		for _, k := range kinds {
			files := private[k]
			list := strings.Join(files[:min(3, len(files))], ", ")
			if len(files) > 3 {
				list += fmt.Sprintf(" and %d more", len(files)-3)
			}
			parts = append(parts, fmt.Sprintf("%s (%s)", k, list))
		}
		ps = append(ps, ex.ProblemAt(model.Notice, "plates",
			fmt.Sprintf("%d of %d masters carry data that will not be published: %s", nprivate, nmasters, strings.Join(parts, "; ")),
			"IIIF images, the e-book and the index pages leave it out; the bag keeps every master byte for byte, so remove it from the masters if the archive must not hold it either"))
	}
	return ps
}

// surveyFile opens one master and surveys it.
func surveyFile(ex *model.Exhibition, rel, format string) (embedded.Report, error) {
	f, err := ex.OpenImage(rel)
	if err != nil {
		return embedded.Report{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return embedded.Report{}, err
	}
	return embedded.Survey(f, st.Size(), format), nil
}

// profileProblem says why an image's profile cannot be applied, "" when it
// can (or there is none).
func profileProblem(rep embedded.Report) string {
	if rep.ProfileErr != nil {
		return fmt.Sprintf("its ICC profile is damaged (%v) and will not be applied", rep.ProfileErr)
	}
	if rep.Profile == nil {
		return ""
	}
	p, err := icc.Parse(rep.Profile)
	if err != nil {
		return fmt.Sprintf("its ICC profile cannot be read (%v) and will not be applied", err)
	}
	if _, err := icc.NewTransform(p); err != nil {
		how := "lookup tables"
		if !p.HasLUT {
			how = "no matrix and tone curves"
		}
		return fmt.Sprintf("its ICC profile %q (%s, %s) cannot be applied: %s", p.Name(), p.ColorSpace, how, approxHow(p))
	}
	return ""
}
