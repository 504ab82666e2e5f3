package server_test

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"guildhall/internal/testrig"
)

// signInFrom tries a sign-in with an address no one has, naming itself
// with whatever forwarding headers a client likes to send.
func signInFrom(t *testing.T, c *testrig.Client, i int, forwarded ...string) int {
	t.Helper()
	return c.Do("POST", "/api/v1/auth/login", map[string]string{"email": fmt.Sprintf("nobody%d@example.com", i), "password": "a wrong password"},
		forwarded...).Status
}

func TestForgedForwardingHeadersDoNotEscapeThePerIPLimit(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_RATELIMIT", "on"), testrig.WithEnv("GUILDHALL_RATELIMIT_SIGNIN_IP", "3/10m"))
	c := rig.Client(t)
	for i := range 3 {
		ip := fmt.Sprintf("203.0.113.%d", i+1)
		if s := signInFrom(t, c, i, "X-Forwarded-For", ip, "X-Real-IP", ip); s != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, s)
		}
	}
	if s := signInFrom(t, c, 9, "X-Forwarded-For", "203.0.113.99", "X-Real-IP", "203.0.113.99"); s != http.StatusTooManyRequests {
		t.Fatalf("a fourth attempt from one peer claiming a new address: %d, want 429", s)
	}
	logs := rig.Logs.String()
	if strings.Contains(logs, "203.0.113.") || !strings.Contains(logs, `"ip":"127.0.0.1"`) {
		t.Fatalf("the access log should record the peer, not the forged address:\n%s", logs)
	}
}

func TestATrustedProxyNamesTheClient(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_RATELIMIT", "on"), testrig.WithEnv("GUILDHALL_RATELIMIT_SIGNIN_IP", "3/10m"),
		testrig.WithEnv("GUILDHALL_TRUSTED_PROXIES", "127.0.0.0/8"))
	c := rig.Client(t)
	for i := range 5 {
		// What the client wrote comes first; the proxy appends whom it saw.
		xff := fmt.Sprintf("198.51.100.7, 203.0.113.%d", i+1)
		if s := signInFrom(t, c, i, "X-Forwarded-For", xff); s != http.StatusUnauthorized {
			t.Fatalf("client %d behind the proxy: %d, want its own count", i+1, s)
		}
	}
	for i := range 3 {
		signInFrom(t, c, 10+i, "X-Forwarded-For", "203.0.113.50")
	}
	if s := signInFrom(t, c, 20, "X-Forwarded-For", "198.51.100.7, 203.0.113.50"); s != http.StatusTooManyRequests {
		t.Fatalf("a client behind the proxy that prepends an address: %d, want 429", s)
	}
	if logs := rig.Logs.String(); !strings.Contains(logs, `"ip":"203.0.113.1"`) || strings.Contains(logs, `"ip":"198.51.100.7"`) {
		t.Fatalf("the access log should record the address the proxy saw:\n%s", logs)
	}
}

// trickle sends the first bytes of a body and then nothing more, until the
// test ends.
type trickle struct {
	first []byte
	end   chan struct{}
}

func (t *trickle) Read(p []byte) (int, error) {
	if len(t.first) > 0 {
		n := copy(p, t.first)
		t.first = t.first[n:]
		return n, nil
	}
	// A server that never answers must not hold the test forever: the body
	// gives up long after any answer was due.
	select {
	case <-t.end:
		return 0, io.EOF
	case <-time.After(30 * time.Second):
		return 0, errors.New("trickle: no answer while the body was held")
	}
}

func TestAClientThatTricklesItsBodyIsTold408(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_REQUEST_TIMEOUT", "1s"))
	body := &trickle{first: []byte(`{"email": "slow@example.com", "pass`), end: make(chan struct{})}
	defer close(body.end)
	req, err := http.NewRequest("POST", rig.URL+"/api/v1/auth/login", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = 200
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("no answer to a trickled body: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), `"request_timeout"`) {
		t.Fatalf("a trickled body: %d %s, want 408", resp.StatusCode, b)
	}
	if strings.Contains(rig.Logs.String(), "backing service unavailable") {
		t.Error("a slow client was logged as an outage")
	}
}

func TestMetricsNeedTheirTokenOrALoopbackPeer(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_METRICS_TOKEN", "dev-only-metrics-token"))
	numbered(t).run(rig.Client(t), []scenario{
		{Name: "no token", Method: "GET", Path: "/metrics", Status: 401},
		{Name: "a wrong token", Method: "GET", Path: "/metrics", Status: 401, Header: []string{"Authorization", "Bearer guess"}},
		{Name: "the token", Method: "GET", Path: "/metrics", Status: 200, Expected: []string{"guildhall_http_requests_total"}, Header: []string{"Authorization", "Bearer dev-only-metrics-token"}},
	})
	open := testrig.MustStart(t)
	numbered(t).run(open.Client(t), []scenario{
		{Name: "without a token, a loopback peer reads them", Method: "GET", Path: "/metrics", Status: 200, Expected: []string{"go_goroutines"}},
		{Name: "but not one a proxy forwarded", Method: "GET", Path: "/metrics", Status: 404, Header: []string{"X-Forwarded-For", "203.0.113.9"}},
	})
	apart := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_METRICS_ADDR", "127.0.0.1:0"))
	numbered(t).run(apart.Client(t), []scenario{
		{Name: "on a listener of their own, the site has none", Method: "GET", Path: "/metrics", Status: 404},
	})
}

func TestAnswersForASignedInCallerAreNeverCached(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	c.SignUp("private_person")
	for _, path := range []string{"/api/v1/me", "/api/v1/users/private_person", "/api/v1/notifications"} {
		if r := c.Do("GET", path, nil); r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s signed in: Cache-Control %q, want no-store", path, r.Header.Get("Cache-Control"))
		}
	}
	if r := rig.Client(t).Do("GET", "/api/v1/users/private_person", nil); r.Header.Get("Cache-Control") == "no-store" {
		t.Error("a public answer to a visitor need not be no-store")
	}
}

func TestUploadsAreLimitedPerAccount(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_RATELIMIT", "on"), testrig.WithEnv("GUILDHALL_RATELIMIT_UPLOAD", "3/1m"))
	c := rig.Client(t)
	c.SignUp("busy_uploader")
	for i := range 3 {
		if r := c.Upload("a.png", testrig.PNG(t, 8, 8, color.RGBA{R: uint8(i), A: 255})); r.Status != http.StatusCreated {
			t.Fatalf("upload %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := c.Upload("a.png", testrig.PNG(t, 8, 8, color.RGBA{B: 9, A: 255}))
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a fourth upload in the minute: %d %s", r.Status, r.Body)
	}
	other := rig.Client(t)
	other.SignUp("calm_uploader")
	if r := other.Upload("a.png", testrig.PNG(t, 8, 8, color.RGBA{G: 9, A: 255})); r.Status != http.StatusCreated {
		t.Fatalf("another account has its own count: %d", r.Status)
	}
}

func TestAPrivateGroupShowsOutsidersOnlyItsNameDescriptionAndMembers(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "secret_potter")
	group := createGroup(t, owner, map[string]any{"name": "Inner kiln", "description": "For members.", "rules": "No photos outside.",
		"visibility": "private", "join_policy": "approval"})
	startThread(t, owner, group, "Members only", "Hello.")
	outsider := rig.Client(t)
	outsider.SignUp("curious_one")
	r := outsider.Do("GET", "/api/v1/groups/"+group, nil)
	var out struct {
		Group struct {
			Name, Description, Rules string
			Counts                   map[string]int
		}
	}
	r.JSON(t, &out)
	if out.Group.Name != "Inner kiln" || out.Group.Description != "For members." || out.Group.Counts["members"] != 1 {
		t.Fatalf("an outsider should see the name, description and members: %s", r.Body)
	}
	if _, ok := out.Group.Counts["threads"]; ok || out.Group.Rules != "" || strings.Contains(string(r.Body), `"pending"`) {
		t.Fatalf("an outsider sees the group's life inside: %s", r.Body)
	}
	r = owner.Do("GET", "/api/v1/groups/"+group, nil)
	r.JSON(t, &out)
	if out.Group.Counts["threads"] != 1 || out.Group.Rules == "" {
		t.Fatalf("the owner sees everything: %s", r.Body)
	}
	if p := rig.Client(t).Do("GET", "/groups/"+group, nil, "Accept", "text/html"); strings.Contains(string(p.Body), "No photos outside") {
		t.Fatal("the group page shows a visitor the rules")
	}
}

func TestThePagesFetchNoRemoteImages(t *testing.T) {
	rig := testrig.MustStart(t)
	r := rig.Client(t).Do("GET", "/", nil)
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self'") || strings.Contains(csp, "https:") {
		t.Fatalf("img-src should allow this site only: %q", csp)
	}
}
