// Command guildhall runs the Guildhall marketplace.
//
//	guildhall serve [--demo]                run the web app (the default); --demo
//	                                        seeds a small community on first start
//	guildhall seed --makers N --works M --users U  fill a store for demos and benchmarks
//	guildhall reindex [--kind K] [--restart] rebuild search indexes from MongoDB
//	guildhall user grant|revoke <handle> R  give or take the curator or admin role
//	guildhall version                       print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"guildhall/internal/app"
	"guildhall/internal/config"
	"guildhall/internal/logging"
	"guildhall/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "guildhall:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "serve":
		demo := len(args) > 1 && args[1] == "--demo"
		return serve(ctx, getenv, stdout, stderr, demo)
	case "seed":
		return seedStore(ctx, args[1:], getenv, stdout, stderr)
	case "reindex":
		return reindex(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return user(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		_, err := fmt.Fprintln(stdout, "guildhall (development build)")
		return err
	case "help", "-h", "--help":
		_, err := fmt.Fprintln(stdout, "usage: guildhall [serve [--demo] | seed --makers N --works M --users U | reindex [--kind K] [--restart] | user grant|revoke <handle> <role> | version]\nConfiguration comes from GUILDHALL_* environment variables; see README.md.")
		return err
	}
	return fmt.Errorf("unknown command %q (try: guildhall help)", cmd)
}

// serve runs until ctx ends, then drains requests, stops the workers,
// flushes the index and stops the database, in that order.
func serve(ctx context.Context, getenv func(string) string, stdout, logOut io.Writer, demo bool) error {
	started := time.Now()
	cfg, err := config.Parse(getenv)
	if err != nil {
		return err
	}
	logger := logging.New(logOut, cfg.LogLevel)
	logger.Info("starting guildhall", cfg.Masked()...)
	if demo {
		if err := seedDemoOnce(ctx, cfg, stdout, logOut); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
	}

	a, err := app.Open(ctx, cfg, logger, app.Options{})
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = a.Close(context.Background())
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// /metrics on a listener of its own, for the monitoring network only.
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			_ = ln.Close()
			_ = a.Close(context.Background())
			return fmt.Errorf("listen for metrics on %s: %w", cfg.MetricsAddr, err)
		}
	}
	// Echo's own server: its shutdown also ends the notification streams.
	srv := a.Handler.Server

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var workers sync.WaitGroup
	workers.Add(1)
	go func() { defer workers.Done(); a.RunWorkers(workCtx) }()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	var metrics *http.Server
	if mln != nil {
		metrics = &http.Server{Handler: server.MetricsHandler(a.Registry), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = metrics.Serve(mln) }()
		logger.Info("serving metrics", "addr", mln.Addr().String())
	}
	logger.Info("listening", "addr", ln.Addr().String(), "startup_ms", time.Since(started).Milliseconds())

	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err = <-serveErr:
		logger.Error("server stopped", "err", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		logger.Error("drain requests", "err", serr)
	}
	if metrics != nil {
		_ = metrics.Shutdown(shutdownCtx)
	}
	stopWork()
	workers.Wait()
	if cerr := a.Close(shutdownCtx); cerr != nil {
		logger.Error("close backing services", "err", cerr)
		return cerr
	}
	logger.Info("stopped")
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
