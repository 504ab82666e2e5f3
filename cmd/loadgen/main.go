// Command loadgen measures latency of Guildhall endpoints under concurrent
// clients on this machine, for scripts/bench. It sends a bounded number of
// requests and stops by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "Guildhall's address (loopback only)")
	clients := fs.Int("c", 16, "concurrent clients")
	total := fs.Int("n", 800, "requests per path")
	token := fs.String("token", "", "bearer token for signed-in paths")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*base, "http://127.0.0.1") && !strings.HasPrefix(*base, "http://localhost") {
		return errors.New("loadgen only targets this machine's loopback address")
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	fmt.Fprintf(out, "%-40s %8s %8s %8s %8s\n", "path", "p50 ms", "p99 ms", "req/s", "errors")
	for _, path := range fs.Args() {
		lat, errs, took := measure(ctx, client, *base+path, *token, *clients, *total)
		slices.Sort(lat)
		fmt.Fprintf(out, "%-40s %8.1f %8.1f %8.0f %8d\n", path, ms(pct(lat, 0.50)), ms(pct(lat, 0.99)),
			float64(len(lat))/took.Seconds(), errs)
	}
	return nil
}

func measure(ctx context.Context, client *http.Client, url, token string, clients, total int) ([]time.Duration, int, time.Duration) {
	jobs := make(chan struct{}, total)
	for range total {
		jobs <- struct{}{}
	}
	close(jobs)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				t := time.Now()
				resp, err := client.Do(req)
				d := time.Since(t)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				if ok {
					lat = append(lat, d)
				} else {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, errs, time.Since(start)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
