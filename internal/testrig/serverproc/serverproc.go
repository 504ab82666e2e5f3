//go:build unix

// Package serverproc runs a server binary for a test: it finds the binary
// (an environment variable, then the repository's .cache/bin, PATH and
// GOPATH/bin), starts it in a process group of its own and kills that group
// when the test ends. miniotest and stripemocktest start their servers with
// it.
//
// A missing binary fails the test rather than skipping it: a skipped suite
// looks green in CI while testing nothing.
package serverproc

import (
	"bytes"
	"errors"
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary returns the path of the executable name: the one envVar names
// (which must exist), or the first of <module root>/.cache/bin/name, name on
// PATH and GOPATH/bin/name. With none, the test fails with installHint.
func Binary(tb testing.TB, envVar, name, installHint string) string {
	tb.Helper()
	if p := os.Getenv(envVar); p != "" {
		if !isExecutable(p) {
			tb.Fatalf("%s=%s is not an executable file; %s", envVar, p, installHint)
		}
		return p
	}
	var candidates []string
	if root, err := moduleRoot(); err == nil {
		candidates = append(candidates, filepath.Join(root, ".cache", "bin", name))
	}
	if p, err := exec.LookPath(name); err == nil {
		candidates = append(candidates, p)
	}
	// Where a plain go install puts it, even if that is not on PATH.
	if gp := build.Default.GOPATH; gp != "" {
		candidates = append(candidates, filepath.Join(strings.Split(gp, string(os.PathListSeparator))[0], "bin", name))
	}
	for _, p := range candidates {
		if isExecutable(p) {
			return p
		}
	}
	tb.Fatalf("no %s binary found (looked at $%s, %s); %s", name, envVar, strings.Join(candidates, ", "), installHint)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// moduleRoot walks up from the working directory (the package directory
// under go test) to the nearest go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Process is a running server that belongs to one test.
type Process struct {
	bin    string
	out    syncBuffer
	exited chan struct{}
}

// Start runs bin with args, and env added to this process's environment.
// Its output is kept for Output. The test's cleanup kills it and anything
// it spawned, and waits for it to be gone; call Start after any TempDir the
// server uses, so it is gone before its files are removed.
func Start(tb testing.TB, bin string, args, env []string) (*Process, error) {
	tb.Helper()
	p := &Process{bin: filepath.Base(bin), exited: make(chan struct{})}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	tb.Cleanup(func() {
		// The negative pid addresses the group Setpgid created, which
		// includes any children the server started.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	})
	return p, nil
}

// Output is what the server has printed so far.
func (p *Process) Output() string { return p.out.String() }

// WaitReady polls ready every 50 ms until it reports true, the process
// exits or timeout passes. Its errors carry the server's output.
func (p *Process) WaitReady(timeout time.Duration, ready func() bool) error {
	deadline := time.After(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !ready() {
		select {
		case <-p.exited:
			return p.failed(errors.New("exited before becoming ready"))
		case <-deadline:
			return p.failed(fmt.Errorf("not ready after %s", timeout))
		case <-tick.C:
		}
	}
	return nil
}

func (p *Process) failed(err error) error {
	return fmt.Errorf("%s: %w\n--- %s output ---\n%s", p.bin, err, p.bin, p.Output())
}

// syncBuffer collects the server's output; the exec package writes to it
// from its own goroutines while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(q []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(q)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
