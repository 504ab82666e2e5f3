package fold

import (
	"runtime"
	"testing"
)

// BenchmarkBuildingTheTable is what the first fold pays once (the app pays
// it while starting): reading OpenCC's dictionaries into the character
// table. retained-KiB is the heap the table keeps afterwards.
func BenchmarkBuildingTheTable(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportAllocs()
	for b.Loop() {
		build()
	}
	// After the loop: b.Loop's start deletes metrics reported before it.
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1024, "retained-KiB")
	b.ReportMetric(float64(len(m)), "characters")
	runtime.KeepAlive(m)
}
