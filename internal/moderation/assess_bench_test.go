package moderation

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchmarkPosts are ~2 KB posts: a mixed-language reply with the contact at its very end, an English one, and
// adversarial repetitions of the words the rules anchor on, which must cost no more than ordinary text.
var benchmarkPosts = map[string]string{
	"mixed_2KB": benchmarkOffPlatformPost,
	"english_2KB": strings.Repeat("The strap is 30x40cm of veg-tan, edges burnished with beeswax. I work from home and line the box with felt. ", 19) +
		"Text me on WhatsApp +44 7911 123456",
	"repeated_wechat_2KB":   strings.Repeat("微信", 341),
	"repeated_digits_2KB":   strings.Repeat("1 3 8 ", 341),
	"repeated_negation_2KB": strings.Repeat("不要加微信 ", 128),
	"one_char_lines_2KB":    strings.Repeat("加\n", 512),
	"lookalikes_2KB":        strings.Repeat("аdd mе оn ԝhаtѕарр ", 60),
}

func BenchmarkAssess(b *testing.B) {
	Assess("warm up", Context{}) // the one-time loads are measured by BenchmarkAssessFirstCall
	for name, post := range benchmarkPosts {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(post)))
			start := cpuTime()
			for b.Loop() {
				Assess(post, Context{})
			}
			reportCPU(b, start)
		})
	}
	// Linear in the length of the post: 64 KB of the worst repetition costs about 32 times 2 KB.
	long := strings.Repeat(benchmarkPosts["repeated_wechat_2KB"], 32)
	b.Run("repeated_wechat_64KB", func(b *testing.B) {
		b.SetBytes(int64(len(long)))
		start := cpuTime()
		for b.Loop() {
			Assess(long, Context{})
		}
		reportCPU(b, start)
	})
}

// BenchmarkAssessFirstCall measures the one-time cost of the first Assess in a process: reading the lexicons,
// building the look-alike and traditional-Chinese tables and decoding the model. Each round resets them.
func BenchmarkAssessFirstCall(b *testing.B) {
	var before, after runtime.MemStats
	var spent time.Duration
	for b.Loop() {
		b.StopTimer()
		unloadDetector()
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		Assess("加微信", Context{})
		spent += time.Since(start)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.StartTimer()
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1024, "KiB-kept")
}

// cpuTime is the CPU time the process has used. The machine is shared, so wall time per operation says as much
// about the neighbours as about the detector; cpu-ns/op (with -cpu 1, so that nothing else of this process runs
// meanwhile but its garbage collector) says what the detector costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
