//go:build ignore

// gen_passwords writes common_passwords.txt: the 10,000 most common
// passwords of zxcvbn's frequency data (data/passwords.txt of
// github.com/trustelem/zxcvbn v1.0.1, the Go port of Dropbox's zxcvbn, MIT
// licence), which ranks them by how often they appeared in leaked password
// sets. Run by go generate; it reads the module from the Go module cache.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const module = "github.com/trustelem/zxcvbn@v1.0.1"

func main() {
	out, err := exec.Command("go", "mod", "download", "-json", module).Output()
	if err != nil {
		fail(fmt.Errorf("go mod download %s: %w", module, err))
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		fail(err)
	}
	f, err := os.Open(filepath.Join(m.Dir, "data", "passwords.txt"))
	if err != nil {
		fail(err)
	}
	defer f.Close()
	var b strings.Builder
	b.WriteString("# The 10,000 most common passwords, most common first, lower-cased.\n")
	b.WriteString("# From zxcvbn's frequency list (data/passwords.txt of " + module + ",\n")
	b.WriteString("# a Go port of Dropbox's zxcvbn, which ranks passwords seen in leaked sets;\n")
	b.WriteString("# MIT licence, Copyright (c) 2018 Vincent Vanackere and Trustelem: see\n")
	b.WriteString("# common_passwords.LICENSE). Regenerate with go generate ./internal/account/.\n")
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(seen) < 10_000 {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		p := strings.ToLower(fields[0])
		if !seen[p] {
			seen[p] = true
			b.WriteString(p + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		fail(err)
	}
	if len(seen) != 10_000 {
		fail(fmt.Errorf("only %d passwords", len(seen)))
	}
	if err := os.WriteFile("common_passwords.txt", []byte(b.String()), 0o644); err != nil {
		fail(err)
	}
	licence, err := os.ReadFile(filepath.Join(m.Dir, "LICENSE.txt"))
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile("common_passwords.LICENSE", licence, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen_passwords:", err)
	os.Exit(1)
}
