//go:build unix

// Package stripemocktest gives tests the official stripe-mock server: a
// process of its own per test, from the binary GUILDHALL_TEST_STRIPE_MOCK_BIN
// names, else <repo>/.cache/bin/stripe-mock as scripts/test.sh installs it.
// A missing binary fails the test; it never skips.
//
// stripe-mock checks each request against Stripe's API description (unknown
// or malformed parameters and bad keys are refused as Stripe refuses them)
// but answers with canned objects: it keeps no state, does not replay
// idempotency keys and sends no webhooks. Record calls (Server.Recording)
// to see what reached it.
package stripemocktest

import (
	"crypto/rand"
	"net/http"
	"regexp"
	"testing"
	"time"

	"guildhall/internal/payment/stripe"
	"guildhall/internal/testrig/serverproc"
)

// EnvBin names the stripe-mock binary.
const EnvBin = "GUILDHALL_TEST_STRIPE_MOCK_BIN"

const (
	readyTimeout = 30 * time.Second
	installHint  = "run ./scripts/test.sh, or go install github.com/stripe/stripe-mock@v0.203.0"
)

// Server is a running stripe-mock.
type Server struct {
	URL string // http://127.0.0.1:port
}

// MustStart starts stripe-mock and returns a config for it.
func MustStart(tb testing.TB) stripe.Config {
	tb.Helper()
	return Start(tb).Config()
}

// listening is how stripe-mock announces the address it bound.
var listening = regexp.MustCompile(`Listening for HTTP at address: (127\.0\.0\.1:\d+)`)

// Start starts stripe-mock for this test; its cleanup stops it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := serverproc.Binary(tb, EnvBin, "stripe-mock", installHint)
	// Port 0 lets the system pick free ports as stripe-mock binds them, so
	// no other process can take them first; the HTTP one is read back from
	// its output. HTTPS is named too, or it binds port 12112 on every
	// interface and test binaries running side by side collide.
	p, err := serverproc.Start(tb, bin, []string{"-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0"}, nil)
	if err != nil {
		tb.Fatalf("stripemocktest: %v", err)
	}
	client := &http.Client{Timeout: time.Second}
	var addr string
	err = p.WaitReady(readyTimeout, func() bool {
		if addr == "" {
			m := listening.FindStringSubmatch(p.Output())
			if m == nil {
				return false
			}
			addr = m[1]
		}
		// Any answer will do (this one is a 401): the server is serving.
		resp, err := client.Get("http://" + addr + "/v1/balance")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	if err != nil {
		tb.Fatalf("stripemocktest: %v", err)
	}
	return &Server{URL: "http://" + addr}
}

// Config returns a config for the server with keys of their own: a test-mode
// secret key (stripe-mock takes any sk_test_ key) and a fresh webhook
// secret to sign payloads with.
func (s *Server) Config() stripe.Config {
	return stripe.Config{
		SecretKey:      "sk_test_" + rand.Text(),
		WebhookSecret:  "whsec_" + rand.Text(),
		PublishableKey: "pk_test_" + rand.Text(),
		APIURL:         s.URL,
		Timeout:        10 * time.Second,
	}
}
