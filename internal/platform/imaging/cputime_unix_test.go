//go:build unix

package imaging

import (
	"syscall"
	"time"
)

// processCPU is user+system CPU used by the whole process. Wall time on a
// shared machine swings with other load; CPU time per upload does not.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
