// Package testrig starts the whole of Guildhall in-process on embedded
// defaults (FerretDB, Bleve, a blob folder) in a temp dir, behind a real
// HTTP server, for API, page and browser tests.
package testrig

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/app"
	"guildhall/internal/config"
	"guildhall/internal/logging"
)

// Rig is a running Guildhall.
type Rig struct {
	App    *app.App
	URL    string
	Logs   *LogBuffer
	cancel context.CancelFunc
}

// Option changes the environment the rig is configured from.
type Option func(env map[string]string)

// WithEnv sets one GUILDHALL_* variable.
func WithEnv(name, value string) Option { return func(env map[string]string) { env[name] = value } }

// MustStart starts Guildhall with rate limits off unless an option turns
// them on. Everything stops when the test ends.
func MustStart(tb testing.TB, opts ...Option) *Rig {
	tb.Helper()
	env := map[string]string{
		"GUILDHALL_DATA_DIR":  tb.TempDir(),
		"GUILDHALL_RATELIMIT": "off",
		"GUILDHALL_LOG_LEVEL": "debug",
		// A test reads its own favourites in the next list; the batched
		// push has its tests in indexqueue and TestSignalsReachTheIndexInABatch.
		"GUILDHALL_INDEX_SIGNALS_EVERY": "0",
	}
	for _, o := range opts {
		o(env)
	}
	cfg, err := config.Parse(func(k string) string { return env[k] })
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	logs := &LogBuffer{}
	logger := logging.New(logs, cfg.LogLevel)
	ctx, cancel := context.WithCancel(context.Background())
	// Cheap hashing keeps hundreds of sign-ups fast; the cost is a
	// parameter, the code path is the production one.
	a, err := app.Open(ctx, cfg, logger, app.Options{Argon2: account.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		cancel()
		tb.Fatalf("start guildhall: %v", err)
	}
	// The server's own limits on slow clients, as `guildhall serve` has them.
	srv := httptest.NewUnstartedServer(a.Handler)
	srv.Config.ReadHeaderTimeout = a.Handler.Server.ReadHeaderTimeout
	srv.Config.ReadTimeout = a.Handler.Server.ReadTimeout
	srv.Config.IdleTimeout = a.Handler.Server.IdleTimeout
	srv.Start()
	done := make(chan struct{})
	go func() { defer close(done); a.RunWorkers(ctx) }()
	r := &Rig{App: a, URL: srv.URL, Logs: logs, cancel: cancel}
	tb.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		closeCtx, stop := context.WithTimeout(context.Background(), 30*time.Second)
		defer stop()
		if err := a.Close(closeCtx); err != nil {
			tb.Errorf("close guildhall: %v", err)
		}
		// A message key without a text (see server.text) is a bug that
		// only a request can show.
		if strings.Contains(logs.String(), "untranslated message key") {
			tb.Errorf("a response used a message key that web/locales lacks; see the log")
		}
		// So is an API answer other than the one the OpenAPI document names
		// (see server.checkedJSON).
		if strings.Contains(logs.String(), "response differs from the OpenAPI document") {
			tb.Errorf("an API answer is not the status or type its operation documents; see the log")
		}
		if tb.Failed() {
			tb.Logf("server log:\n%s", logs.String())
		}
	})
	return r
}

// LogBuffer collects log lines, safe for concurrent writers.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Client is an API client with an optional bearer token and a cookie jar.
type Client struct {
	tb    testing.TB
	base  string
	Token string
	HTTP  *http.Client
}

// Client returns a new client with its own cookies. Its timeout is longer
// than any the server sets itself, so that on a busy machine the server's
// own answer (a 503, a 408) is what a test sees, not the client giving up.
func (r *Rig) Client(tb testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{tb: tb, base: r.URL, HTTP: &http.Client{Jar: jar, Timeout: 3 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is a finished request with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r *Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends method path with body (a string is sent as is, anything else as
// JSON) and returns the response.
func (c *Client) Do(method, path string, body any, header ...string) *Response {
	c.tb.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.tb.Fatal(err)
		}
		rd, ct = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.tb.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.Send(req)
}

// Send sends req with the client's cookies and, unless req names another,
// its token, and reads the answer.
func (c *Client) Send(req *http.Request) *Response {
	c.tb.Helper()
	if c.Token != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.tb.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// SignUp creates a user through the API and keeps its token.
func (c *Client) SignUp(handle string) *Response {
	c.tb.Helper()
	r := c.Do("POST", "/api/v1/auth/signup", map[string]string{
		"email": handle + "@example.com", "password": "a long enough password", "handle": handle, "display_name": "User " + handle,
	})
	if r.Status != http.StatusCreated {
		c.tb.Fatalf("sign up %s: %d %s", handle, r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(c.tb, &out)
	c.Token = out.Token
	return r
}

// Discard is a logger for tests that do not look at logs.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// BaseURL is the server's address.
func (c *Client) BaseURL() string { return c.base }

// Upload posts a file to /api/v1/media as multipart field "file".
func (c *Client) Upload(name string, data []byte) *Response {
	c.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.tb.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.base+"/api/v1/media", &body)
	if err != nil {
		c.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req)
}

// PNG makes a w×h opaque PNG of one colour, for upload tests.
func PNG(tb testing.TB, w, h int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
