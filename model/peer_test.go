package model

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// peerDifferences lists every text of python-edtf's natural-language table
// (testdata/python-edtf-natlang.tsv) that vitrine deliberately normalizes
// otherwise than the peer, with the reason. TestPeerTable fails when a
// difference is missing here or when a text listed here agrees after all, so
// the list is always exactly the set of differences.
var peerDifferences = map[string]string{
	"90":                          "implied century: the peer reads a two-digit year as 19xx; vitrine refuses it (it may be 1890, 1990 or an age)",
	"10/7/2008":                   "ambiguous day and month: the peer takes the American month first; vitrine refuses 10/7/2008 as it refuses 05/06/1950",
	"c64 BCE":                     "BC numbering: 64 BC is year -63 in ISO 8601 astronomical numbering (1 BC = 0000), which vitrine writes (-0063~); the peer writes -0064",
	"1863 or 1864":                "lossy answer of the peer, which keeps only the first year; vitrine writes the EDTF set [1863,1864] (one of them)",
	"1864 or 1866":                "lossy answer of the peer, which keeps only the first year; vitrine writes the EDTF set [1864,1866] (one of them)",
	"1858/1860":                   "a slash between years is an EDTF interval (1858/1860) in vitrine, as 1953/54 is; the peer reads it as one of two years",
	"day in Spring 1849":          "the peer writes a day of a season (1849-21-uu), which EDTF 2019 has no form for; vitrine refuses it",
	"a day in about Spring 1849?": "the peer writes a day of a season (1849-21-uu?~), which EDTF 2019 has no form for; vitrine refuses it",
	"notcirca 1860":               "an unknown word: the peer drops it and keeps the year; vitrine refuses a text with words it does not know rather than drop them",
	"attica 1802":                 "an unknown word: the peer drops it and keeps the year; vitrine refuses a text with words it does not know rather than drop them",
	"attic. 1802":                 "an unknown word: the peer drops it and keeps the year; vitrine refuses a text with words it does not know rather than drop them",
	"birthday in 1872":            "an unknown word: the peer drops \"birthday in\" and keeps the year; vitrine refuses a text with words it does not know rather than drop them",
}

// peerEDTF rewrites the notation of the peer's older revision in EDTF 2019:
// "unknown" for an open end is "..", "x" and "u" (masked and unspecified
// digits) are "X", "?~" (uncertain and approximate) is "%", and a set has no
// space after its commas.
func peerEDTF(s string) string {
	s = strings.ReplaceAll(s, "unknown", "..")
	s = strings.NewReplacer("x", "X", "u", "X").Replace(s)
	s = strings.ReplaceAll(s, "?~", "%")
	return strings.ReplaceAll(s, ", ", ",")
}

// TestPeerTable normalizes python-edtf's natural-language test table and
// prints the share that agrees with the peer: `go test -run TestPeerTable -v
// ./model`. At least 90% must agree, and every difference must be one of
// peerDifferences.
func TestPeerTable(t *testing.T) {
	f, err := os.Open("testdata/python-edtf-natlang.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total, agree int
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		in, peer, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("testdata/python-edtf-natlang.tsv:%d: no tab", line)
		}
		want := ""
		if peer != "-" {
			want = peerEDTF(peer)
		}
		got, note, _ := Normalize(in)
		total++
		seen[in] = true
		reason, listed := peerDifferences[in]
		switch {
		case got == want:
			agree++
			if listed {
				t.Errorf("%q: %q agrees with the peer but is listed as a difference (%s)", in, got, reason)
			}
		case listed:
			t.Logf("differs %-30q vitrine %-14q peer %-14q %s", in, got, want, reason)
		default:
			t.Errorf("%q: vitrine %q (note %q), the peer %q: not a listed difference", in, got, note, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for in := range peerDifferences {
		if !seen[in] {
			t.Errorf("%q is listed as a difference but is not in the table", in)
		}
	}
	share := float64(agree) / float64(total)
	t.Logf("python-edtf natural-language table: %d of %d agree (%.1f%%)", agree, total, 100*share)
	if share < 0.9 {
		t.Errorf("%.1f%% of the peer's table agrees, want at least 90%%", 100*share)
	}
}

// BenchmarkNormalizePeerTable normalizes every text of the peer's table once
// per iteration: `go test -run '^$' -bench NormalizePeerTable ./model`.
func BenchmarkNormalizePeerTable(b *testing.B) {
	data, err := os.ReadFile("testdata/python-edtf-natlang.tsv")
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, line := range strings.Split(string(data), "\n") {
		if in, _, ok := strings.Cut(line, "\t"); ok && !strings.HasPrefix(line, "#") {
			texts = append(texts, in)
		}
	}
	b.ResetTimer()
	for range b.N {
		for _, s := range texts {
			Normalize(s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/text")
}
