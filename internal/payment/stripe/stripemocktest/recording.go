//go:build unix

package stripemocktest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"

	"guildhall/internal/payment/stripe"
)

// Call is one request that went through a Recording to stripe-mock, and
// its answer.
type Call struct {
	Method         string
	Path           string
	IdempotencyKey string
	Form           url.Values // the request's parameters
	Status         int
	// ReplayedKey is the Idempotency-Key header of the answer: stripe-mock
	// sends back the key it was given.
	ReplayedKey string
}

// Recorder keeps the calls that went through a Recording.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

// Calls returns the calls so far, oldest first.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// Recording returns a config whose API URL is a proxy in front of the
// server that records every call, so a test sees what the adapter sent and
// what stripe-mock accepted. The proxy closes with the test.
func (s *Server) Recording(tb testing.TB) (stripe.Config, *Recorder) {
	tb.Helper()
	rec := &Recorder{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form, _ := url.ParseQuery(string(body))
		out, err := http.NewRequestWithContext(r.Context(), r.Method, s.URL+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		rec.mu.Lock()
		rec.calls = append(rec.calls, Call{Method: r.Method, Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"),
			Form: form, Status: resp.StatusCode, ReplayedKey: resp.Header.Get("Idempotency-Key")})
		rec.mu.Unlock()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	tb.Cleanup(proxy.Close)
	cfg := s.Config()
	cfg.APIURL = proxy.URL
	return cfg, rec
}
