//go:build !(linux || darwin)

package iiif

import "time"

// cpuTime is not measured on this system: the CPU ratios of
// BenchmarkTilesVsVips then read 0 (its wall-time ratios still hold).
func cpuTime() time.Duration { return 0 }
