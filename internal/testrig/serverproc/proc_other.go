//go:build unix && !linux

package serverproc

import "syscall"

// procAttr puts the server in its own process group so cleanup can kill it
// by group id. Without Pdeathsig, a test binary killed before its cleanups
// run can leave the server behind.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
