package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"guildhall/internal/app"
	"guildhall/internal/config"
	"guildhall/internal/logging"
)

// openApp opens Guildhall's stores for a command-line tool. With the
// embedded defaults, stop `guildhall serve` on the same data dir first.
func openApp(ctx context.Context, getenv func(string) string, logOut io.Writer) (*app.App, error) {
	cfg, err := config.Parse(getenv)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, batchTimeouts(cfg), logging.New(logOut, "warn"), app.Options{})
}

// reindex rebuilds search indexes from MongoDB with a progress bar,
// resuming a run that was stopped unless --restart is given.
func reindex(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "rebuild only this kind (users, makers, works, collections, threads, members, reports, audit, orders); all when empty")
	restart := fs.Bool("restart", false, "start from the beginning instead of resuming")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer a.Close(context.WithoutCancel(ctx))
	kinds := a.Queue.Kinds()
	if *kind != "" {
		kinds = []string{*kind}
	}
	for _, k := range kinds {
		n, err := a.Queue.Rebuild(ctx, k, *restart, func(done, total int64) { bar(stdout, k, done, total) })
		fmt.Fprintln(stdout)
		if err != nil {
			return fmt.Errorf("reindex %s after %d documents (run again to resume): %w", k, n, err)
		}
		fmt.Fprintf(stdout, "%s: %d documents indexed\n", k, n)
	}
	return nil
}

// bar draws a progress bar in place.
func bar(w io.Writer, label string, done, total int64) {
	const width = 30
	if total < done {
		total = done
	}
	filled := 0
	if total > 0 {
		filled = int(done * width / total)
	}
	fmt.Fprintf(w, "\r%-8s [%s%s] %d/%d", label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
}

// user changes a user's roles: guildhall user grant <handle> admin.
func user(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 3 || (args[0] != "grant" && args[0] != "revoke") {
		return fmt.Errorf("usage: guildhall user grant|revoke <handle> curator|admin")
	}
	a, err := openApp(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer a.Close(context.WithoutCancel(ctx))
	add, remove := []string{args[2]}, []string(nil)
	if args[0] == "revoke" {
		add, remove = nil, add
	}
	u, err := a.Accounts.ChangeRoles(ctx, args[1], add, remove)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "@%s roles: %s\n", u.Handle, strings.Join(u.Roles, ", "))
	return err
}

// batchTimeouts gives batch tools room: a request's 5 s per call is short
// for a rebuild reading 50,000 documents from embedded FerretDB.
func batchTimeouts(cfg config.Config) config.Config {
	cfg.ServiceTimeout = max(cfg.ServiceTimeout, time.Minute)
	return cfg
}
