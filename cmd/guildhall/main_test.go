package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"guildhall/internal/testrig"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveUntilStopped starts `guildhall serve`, waits for /readyz, runs fn,
// then stops it as SIGTERM would and returns what run returned.
func serveUntilStopped(t *testing.T, env map[string]string, fn func(base string), flags ...string) (error, string) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	logs := &testrig.LogBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, flags...), func(k string) string { return env[k] }, io.Discard, logs)
	}()
	base := "http://" + env["GUILDHALL_ADDR"]
	// Generous: with --demo it seeds before listening, and under -race the
	// embedded database runs instrumented too.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		r, err := http.Get(base + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 3 minutes:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a server that is starting
	}
	fn(base)
	stop()
	select {
	case err := <-done:
		return err, logs.String()
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop within 30s:\n%s", logs.String())
	}
	return nil, ""
}

func TestServeStopsCleanlyAndFindsItsDataAgainOnTheNextStart(t *testing.T) {
	env := map[string]string{
		"GUILDHALL_DATA_DIR":  t.TempDir(),
		"GUILDHALL_ADDR":      freeAddr(t),
		"GUILDHALL_MEILI_KEY": "dev-only-not-a-real-key",
		// Longer than serveUntilStopped waits: an open notification stream
		// must not hold the shutdown until this runs out.
		"GUILDHALL_SHUTDOWN_TIMEOUT": "2m",
	}
	streamEnded := make(chan struct{})
	err, logs := serveUntilStopped(t, env, func(base string) {
		body := `{"email":"keep@example.com","password":"a long enough password","handle":"keeper","display_name":"Keeper"}`
		r, err := http.Post(base+"/api/v1/auth/signup", "application/json", strings.NewReader(body))
		if err != nil || r.StatusCode != http.StatusCreated {
			t.Fatalf("sign up: %v %v", r, err)
		}
		var auth struct{ Token string }
		_ = json.NewDecoder(r.Body).Decode(&auth)
		r.Body.Close()
		req, _ := http.NewRequest("GET", base+"/api/v1/notifications/stream", nil)
		req.Header.Set("Authorization", "Bearer "+auth.Token)
		stream, err := http.DefaultClient.Do(req)
		if err != nil || stream.StatusCode != http.StatusOK {
			t.Fatalf("open a notification stream: %v %v", stream, err)
		}
		go func() { defer close(streamEnded); _, _ = io.Copy(io.Discard, stream.Body); stream.Body.Close() }()
	})
	if err != nil {
		t.Fatalf("serve returned %v after a stop, want nil", err)
	}
	<-streamEnded
	if strings.Contains(logs, "drain requests") {
		t.Errorf("the shutdown did not drain cleanly:\n%s", logs)
	}
	for _, want := range []string{`"msg":"starting guildhall"`, `"msg":"stopped"`, `"mongo":"embedded FerretDB"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	if strings.Contains(logs, "dev-only-not-a-real-key") {
		t.Error("the log shows a secret")
	}
	env["GUILDHALL_ADDR"] = freeAddr(t)
	err, _ = serveUntilStopped(t, env, func(base string) {
		r, err := http.Get(base + "/api/v1/users/keeper")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var out struct{ User struct{ Handle string } }
		_ = json.NewDecoder(r.Body).Decode(&out)
		if r.StatusCode != http.StatusOK || out.User.Handle != "keeper" {
			t.Fatalf("after restart: %d %+v", r.StatusCode, out)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestABadSettingIsNamedAndNothingStarts(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"GUILDHALL_REQUEST_TIMEOUT": "soon"}[k]
	}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "GUILDHALL_REQUEST_TIMEOUT") {
		t.Fatalf("got %v", err)
	}
}

func TestAnUnknownCommandIsRefused(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", "frobnicate")) {
		t.Fatalf("got %v", err)
	}
}

func TestTheFirstAdminIsMadeFromTheCommandLineAndIndexesAreRebuilt(t *testing.T) {
	env := map[string]string{"GUILDHALL_DATA_DIR": t.TempDir(), "GUILDHALL_ADDR": freeAddr(t)}
	err, _ := serveUntilStopped(t, env, func(base string) {
		body := `{"email":"boss@example.com","password":"a long enough password","handle":"boss","display_name":"Boss"}`
		r, err := http.Post(base+"/api/v1/auth/signup", "application/json", strings.NewReader(body))
		if err != nil || r.StatusCode != http.StatusCreated {
			t.Fatalf("sign up: %v %v", r, err)
		}
		r.Body.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return env[k] }
	var out strings.Builder
	if err := run(context.Background(), []string{"user", "grant", "boss", "admin"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "@boss roles: admin") {
		t.Fatalf("grant said %q", out.String())
	}
	if err := run(context.Background(), []string{"user", "grant", "boss", "emperor"}, getenv, io.Discard, io.Discard); err == nil {
		t.Fatal("an unknown role was granted")
	}
	out.Reset()
	if err := run(context.Background(), []string{"reindex", "--restart"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"users: 1 documents indexed", "works: 0 documents indexed", "[##############################] 1/1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("reindex output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSeedFillsAStoreThatServeThenShows(t *testing.T) {
	env := map[string]string{"GUILDHALL_DATA_DIR": t.TempDir(), "GUILDHALL_ADDR": freeAddr(t)}
	var out strings.Builder
	err := run(context.Background(), []string{"seed", "--makers", "4", "--works", "30", "--users", "5"}, func(k string) string { return env[k] }, &out, io.Discard)
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "seeded 4 makers, 30 works, 5 fans") || !strings.Contains(out.String(), "works    [##############################] 30/30") {
		t.Fatalf("seed output:\n%s", out.String())
	}
	err, _ = serveUntilStopped(t, env, func(base string) {
		r, err := http.Get(base + "/api/v1/search?limit=100")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var res struct{ Total int }
		_ = json.NewDecoder(r.Body).Decode(&res)
		if res.Total != 30 {
			t.Fatalf("search finds %d seeded works, want 30", res.Total)
		}
		home, err := http.Get(base + "/api/v1/discover")
		if err != nil {
			t.Fatal(err)
		}
		defer home.Body.Close()
		var d struct {
			Trending            []any `json:"trending"`
			FeaturedCollections []any `json:"featured_collections"`
		}
		_ = json.NewDecoder(home.Body).Decode(&d)
		if len(d.Trending) == 0 || len(d.FeaturedCollections) != 3 {
			t.Fatalf("discover after seeding: %d trending, %d featured", len(d.Trending), len(d.FeaturedCollections))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestServeDemoSeedsOnlyTheFirstStart(t *testing.T) {
	env := map[string]string{"GUILDHALL_DATA_DIR": t.TempDir(), "GUILDHALL_ADDR": freeAddr(t)}
	total := func(base string) int {
		r, err := http.Get(base + "/api/v1/search?type=makers")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var res struct{ Total int }
		_ = json.NewDecoder(r.Body).Decode(&res)
		return res.Total
	}
	for range 2 { // the second start finds users and seeds nothing more
		env["GUILDHALL_ADDR"] = freeAddr(t)
		err, _ := serveUntilStopped(t, env, func(base string) {
			if n := total(base); n != 12 {
				t.Fatalf("demo makers: %d, want 12", n)
			}
		}, "--demo")
		if err != nil {
			t.Fatal(err)
		}
	}
}
