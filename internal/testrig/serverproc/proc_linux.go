package serverproc

import "syscall"

// procAttr puts the server in its own process group, so cleanup can kill it
// and anything it spawned by group id, and asks the kernel to kill it if the
// test binary dies without running cleanups (panic, timeout, SIGKILL).
// Pdeathsig is best effort: it fires when the OS thread that started the
// child exits, which in practice is when the process exits.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
