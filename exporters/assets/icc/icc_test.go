package icc_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
)

// lcmsTool returns the path of a Little CMS tool (Debian liblcms2-utils),
// skipping the test when it is absent and failing on CI, which installs it.
func lcmsTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found; CI must install liblcms2-utils", name)
		}
		t.Skipf("%s not found (apt-get install -y liblcms2-utils); skipping", name)
	}
	return p
}

type profileCase struct {
	name, desc string
	data       []byte
	gray       bool
	srgb       bool
}

func profiles() []profileCase {
	para := func(fn int, ps ...float64) []byte {
		return icctest.Encode(icctest.Spec{Description: fmt.Sprintf("para %d", fn), V4: true,
			Primaries: [3][2]float64{{0.64, 0.33}, {0.21, 0.71}, {0.15, 0.06}}, White: [2]float64{0.3127, 0.3290},
			TRC: icctest.Curve{ParaFn: fn, Para: ps}})
	}
	return []profileCase{
		{"AdobeRGB", "Adobe RGB (1998) (test)", icctest.AdobeRGB(), false, false},
		{"ProPhoto", "ProPhoto RGB (test)", icctest.ProPhotoRGB(), false, false},
		{"DisplayP3", "Display P3 (test)", icctest.DisplayP3(), false, false},
		{"eciRGBv2", "eciRGB v2 (test)", icctest.ECIRGBv2(), false, false},
		{"GrayGamma22", "Gray Gamma (test)", icctest.GrayGamma(2.2), true, false},
		{"GrayGamma18", "Gray Gamma (test)", icctest.GrayGamma(1.8), true, false},
		{"sRGB", "sRGB IEC61966-2.1 (test)", icctest.SRGB(), false, true},
		{"para1", "para 1", para(1, 2.2, 1.1, -0.1), false, false},
		{"para2", "para 2", para(2, 2.0, 0.9, 0.05, 0.02), false, false},
		{"para4", "para 4", para(4, 2.4, 0.9, 0.1, 0.08, 0.05, -0.01, 0.005), false, false},
	}
}

func TestParse(t *testing.T) {
	for _, tc := range profiles() {
		t.Run(tc.name, func(t *testing.T) {
			p, err := icc.Parse(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.Description != tc.desc {
				t.Errorf("description %q, want %q", p.Description, tc.desc)
			}
			want := "RGB"
			if tc.gray {
				want = "GRAY"
			}
			if p.ColorSpace != want || p.PCS != "XYZ" || p.Class != "mntr" || !p.MatrixTRC() || p.HasLUT {
				t.Errorf("got %s %s %s matrixTRC %v LUT %v", p.ColorSpace, p.PCS, p.Class, p.MatrixTRC(), p.HasLUT)
			}
			if math.Abs(p.WhitePoint.X-icc.D50.X) > 1e-4 || p.Chad == nil {
				t.Errorf("wtpt %v chad %v", p.WhitePoint, p.Chad)
			}
			tr, err := icc.NewTransform(p)
			if err != nil {
				t.Fatal(err)
			}
			if tr.SRGB() != tc.srgb {
				t.Errorf("SRGB() = %v, want %v", tr.SRGB(), tc.srgb)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	good := icctest.AdobeRGB()
	cut := func(n int) []byte { return append([]byte(nil), good[:n]...) }
	badSig := append([]byte(nil), good...)
	copy(badSig[36:], "xxxx")
	badTag := append([]byte(nil), good...)
	// first tag's length: far past the end
	badTag[128+4+8], badTag[128+4+9] = 0x7f, 0x7f
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"short", cut(60), "shorter than its header"},
		{"truncated", cut(300), "header gives a size"},
		{"signature", badSig, "acsp"},
		{"tag outside", badTag, "outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := icc.Parse(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestAgainstLittleCMS converts a grid of 8-bit colours and of 16-bit
// values with each profile and with transicc (relative colorimetric, to
// Little CMS's sRGB, clipped), and wants every channel within one step.
func TestAgainstLittleCMS(t *testing.T) {
	transicc := lcmsTool(t, "transicc")
	dir := t.TempDir()
	for _, tc := range profiles() {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".icc")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := icc.Parse(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := icc.NewTransform(p)
			if err != nil {
				t.Fatal(err)
			}
			ch := tr.Channels()
			var in8 []byte
			var in16 []uint16
			levels := []int{0, 1, 2, 3, 5, 8, 12, 17, 25, 34, 51, 68, 85, 102, 128, 153, 170, 187, 204, 221, 238, 250, 254, 255}
			for _, r := range levels {
				for _, g := range levels {
					for _, b := range levels {
						if ch == 1 && (g != 0 || b != 0) {
							continue
						}
						px := []int{r, g, b}[:ch]
						for _, v := range px {
							in8 = append(in8, byte(v))
							in16 = append(in16, uint16(v*257+(v*13)%200))
						}
					}
				}
			}
			n := len(in8) / ch
			got8 := make([]byte, 3*n)
			tr.Convert8(got8, 3, in8, ch, n)
			got16 := make([]byte, 4*n)
			tr.Convert16(got16, 4, in16, ch, n)

			run := func(args []string, vals func(i int) []float64) [][]float64 {
				var sb strings.Builder
				for i := 0; i < n; i++ {
					for _, v := range vals(i) {
						fmt.Fprintf(&sb, "%g ", v)
					}
					sb.WriteByte('\n')
				}
				cmd := exec.Command(transicc, append([]string{"-n", "-s", "-t1", "-i" + path, "-o*sRGB"}, args...)...)
				cmd.Stdin = strings.NewReader(sb.String())
				var out bytes.Buffer
				cmd.Stdout = &out
				if err := cmd.Run(); err != nil {
					t.Fatalf("transicc: %v", err)
				}
				var res [][]float64
				sc := bufio.NewScanner(&out)
				for sc.Scan() {
					var a, b, c float64
					if k, _ := fmt.Sscan(sc.Text(), &a, &b, &c); k == 3 {
						res = append(res, []float64{a, b, c})
					}
				}
				if len(res) != n {
					t.Fatalf("transicc gave %d results for %d colours", len(res), n)
				}
				return res
			}
			ref8 := run(nil, func(i int) []float64 {
				v := make([]float64, ch)
				for k := range v {
					v[k] = float64(in8[i*ch+k])
				}
				return v
			})
			// transicc takes 16-bit values as fractions of 255.
			ref16 := run(nil, func(i int) []float64 {
				v := make([]float64, ch)
				for k := range v {
					v[k] = float64(in16[i*ch+k]) / 257
				}
				return v
			})
			worst8, worst16 := 0.0, 0.0
			for i := 0; i < n; i++ {
				for k := 0; k < 3; k++ {
					worst8 = max(worst8, math.Abs(float64(got8[3*i+k])-ref8[i][k]))
					worst16 = max(worst16, math.Abs(float64(got16[4*i+k])-ref16[i][k]))
				}
			}
			t.Logf("largest difference from transicc: %.2f (8-bit input), %.2f (16-bit input)", worst8, worst16)
			if worst8 > 0.6 || worst16 > 0.6 {
				t.Errorf("largest difference from transicc: %.2f (8-bit input), %.2f (16-bit input) of 255; want at most 0.6 (rounding)", worst8, worst16)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	p, err := icc.Parse(icctest.AdobeRGB())
	if err != nil {
		t.Fatal(err)
	}
	p.ColorSpace, p.HasLUT = "CMYK", true
	if _, err := icc.NewTransform(p); err == nil || !strings.Contains(err.Error(), "lookup tables") || !strings.Contains(err.Error(), "Adobe RGB") {
		t.Errorf("CMYK LUT profile: %v", err)
	}
}

func TestCMYKLUTProfile(t *testing.T) {
	p, err := icc.Parse(icctest.CMYKLUT("Coated FOGRA39 (test)"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ColorSpace != "CMYK" || p.PCS != "Lab" || !p.HasLUT || p.Description != "Coated FOGRA39 (test)" || p.MatrixTRC() {
		t.Errorf("%+v", p)
	}
	if _, err := icc.NewTransform(p); !errors.Is(err, icc.ErrUnsupported) {
		t.Errorf("NewTransform: %v", err)
	}
}
