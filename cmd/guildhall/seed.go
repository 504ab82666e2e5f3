package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"guildhall/internal/account"
	"guildhall/internal/app"
	"guildhall/internal/config"
	"guildhall/internal/logging"
	"guildhall/internal/seed"
)

// demoArgon2 hashes the seeded accounts' known demo password cheaply: they
// are demo data, and thousands of them would otherwise take minutes.
var demoArgon2 = account.Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// seedStore fills the configured store: guildhall seed --makers N --works M --users U.
func seedStore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := seed.Options{}
	fs.IntVar(&o.Makers, "makers", 20, "how many makers")
	fs.IntVar(&o.Works, "works", 200, "how many works")
	fs.IntVar(&o.Users, "users", 50, "how many fans")
	seedValue := fs.Uint64("seed", 1, "the same seed gives the same community")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Seed = *seedValue
	cfg, err := config.Parse(getenv)
	if err != nil {
		return err
	}
	return seedWith(ctx, cfg, o, stdout, stderr)
}

// seedWith opens the store without rate limits (the seeder signs up
// thousands of accounts from one place), seeds it and closes it.
func seedWith(ctx context.Context, cfg config.Config, o seed.Options, stdout, stderr io.Writer) error {
	cfg.RateLimit = false
	a, err := app.Open(ctx, batchTimeouts(cfg), logging.New(stderr, "warn"), app.Options{Argon2: demoArgon2})
	if err != nil {
		return err
	}
	defer a.Close(context.WithoutCancel(ctx))
	last := ""
	err = seed.Run(ctx, a, o, func(step string, done, total int) {
		if step != last && last != "" {
			fmt.Fprintln(stdout)
		}
		last = step
		bar(stdout, step, int64(done), int64(total))
	})
	fmt.Fprintln(stdout)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %d makers, %d works, %d fans; every account's password is %q\n", o.Makers, o.Works, o.Users, seed.Password)
	return nil
}

// seedDemoOnce seeds a small community when the store has no users yet.
func seedDemoOnce(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	a, err := app.Open(ctx, cfg, logging.New(stderr, "warn"), app.Options{})
	if err != nil {
		return err
	}
	empty, err := a.Accounts.Empty(ctx)
	_ = a.Close(context.WithoutCancel(ctx))
	if err != nil || !empty {
		return err
	}
	return seedWith(ctx, cfg, seed.Options{Makers: 12, Works: 80, Users: 30, Seed: 1}, stdout, stderr)
}
