package stripe_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"guildhall/internal/payment"
	"guildhall/internal/payment/stripe"
	"guildhall/internal/payment/stripe/stripemocktest"
)

func mustNew(t *testing.T, cfg stripe.Config) *stripe.Stripe {
	t.Helper()
	s, err := stripe.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// onlyCall returns the one call rec saw, which stripe-mock must have
// accepted.
func onlyCall(t *testing.T, rec *stripemocktest.Recorder) stripemocktest.Call {
	t.Helper()
	calls := rec.Calls()
	if len(calls) != 1 {
		t.Fatalf("want one call to stripe-mock, got %+v", calls)
	}
	if calls[0].Status != 200 {
		t.Fatalf("stripe-mock refused %s %s: %d", calls[0].Method, calls[0].Path, calls[0].Status)
	}
	return calls[0]
}

func wantForm(t *testing.T, got url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("parameter %s = %q, want %q (all: %v)", k, got.Get(k), v, got)
		}
	}
}

var charge = payment.Charge{
	Key:         "checkout:u_ada:6f1c",
	Amount:      12800, // ¥128.00
	Currency:    "CNY",
	Description: "Guildhall order 1024",
	Metadata:    map[string]string{"checkout": "u_ada:6f1c", "orders": "o_1,o_2"},
}

func TestStripe_Start(t *testing.T) {
	srv := stripemocktest.Start(t)

	t.Run("CreatesAnIntentForTheAmountInMinorUnits", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		got, err := mustNew(t, cfg).Start(context.Background(), charge)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Ref, "pi_") || !strings.Contains(got.ClientSecret, "_secret_") || got.Status != payment.StatusPending {
			t.Fatalf("started %+v", got)
		}
		call := onlyCall(t, rec)
		if call.Method != "POST" || call.Path != "/v1/payment_intents" || call.IdempotencyKey != charge.Key {
			t.Fatalf("call %s %s key %q", call.Method, call.Path, call.IdempotencyKey)
		}
		wantForm(t, call.Form, map[string]string{
			"amount": "12800", "currency": "cny", "description": charge.Description,
			"metadata[checkout]": "u_ada:6f1c", "metadata[orders]": "o_1,o_2",
			"automatic_payment_methods[enabled]": "true",
		})
	})

	// Stripe answers a repeated key with the intent the first call made.
	// stripe-mock does not: it accepts the key, sends it back, and makes a
	// new intent each time. So what can be checked here is that both calls
	// carry the same key, which is what makes Stripe replay.
	t.Run("TheSameKeyTwiceSendsTheSameIdempotencyKey", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		s := mustNew(t, cfg)
		first, err := s.Start(context.Background(), charge)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Start(context.Background(), charge)
		if err != nil {
			t.Fatal(err)
		}
		calls := rec.Calls()
		if len(calls) != 2 {
			t.Fatalf("calls %+v", calls)
		}
		for _, c := range calls {
			if c.IdempotencyKey != charge.Key || c.ReplayedKey != charge.Key || c.Status != 200 {
				t.Errorf("call sent key %q, answer names %q, status %d", c.IdempotencyKey, c.ReplayedKey, c.Status)
			}
		}
		t.Logf("stripe-mock answered %s then %s", first.Ref, again.Ref)
	})

	// Checkouts start payments side by side, and a retried one races its
	// first attempt.
	t.Run("ConcurrentStartsOfOneCheckoutAllSendItsKey", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		s := mustNew(t, cfg)
		const n = 16
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := s.Start(context.Background(), charge)
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		calls := rec.Calls()
		if len(calls) != n {
			t.Fatalf("%d calls, want %d", len(calls), n)
		}
		for _, c := range calls {
			if c.IdempotencyKey != charge.Key || c.Form.Get("amount") != "12800" || c.Status != 200 {
				t.Fatalf("call %+v", c)
			}
		}
	})

	t.Run("NoKeyIsRefusedBeforeCallingStripe", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		c := charge
		c.Key = ""
		_, err := mustNew(t, cfg).Start(context.Background(), c)
		if !errors.Is(err, payment.ErrRejected) || len(rec.Calls()) != 0 {
			t.Fatalf("err %v, calls %+v", err, rec.Calls())
		}
	})
}

func TestStripe_Cancel(t *testing.T) {
	srv := stripemocktest.Start(t)

	t.Run("CancelsTheIntentAsAbandoned", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		if err := mustNew(t, cfg).Cancel(context.Background(), "pi_3Qexpired"); err != nil {
			t.Fatal(err)
		}
		call := onlyCall(t, rec)
		if call.Path != "/v1/payment_intents/pi_3Qexpired/cancel" {
			t.Fatalf("path %s", call.Path)
		}
		wantForm(t, call.Form, map[string]string{"cancellation_reason": "abandoned"})
	})

	t.Run("AnIntentStripeCannotFindIsRejected", func(t *testing.T) {
		cfg, _ := srv.Recording(t)
		// Not an id at all: stripe-mock, like Stripe, answers 404.
		err := mustNew(t, cfg).Cancel(context.Background(), "pi_1/nothing")
		if !errors.Is(err, payment.ErrRejected) || errors.Is(err, payment.ErrUnavailable) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestStripe_Refund(t *testing.T) {
	srv := stripemocktest.Start(t)

	t.Run("RefundsTheAmountAgainstTheIntent", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		got, err := mustNew(t, cfg).Refund(context.Background(), payment.RefundRequest{
			Key: "refund:o_1:1", Ref: "pi_3Qpaid", Amount: 3000, Currency: "CNY", Reason: "requested_by_customer",
		})
		if err != nil {
			t.Fatal(err)
		}
		call := onlyCall(t, rec)
		if call.Path != "/v1/refunds" || call.IdempotencyKey != "refund:o_1:1" {
			t.Fatalf("call %s key %q", call.Path, call.IdempotencyKey)
		}
		wantForm(t, call.Form, map[string]string{"payment_intent": "pi_3Qpaid", "amount": "3000", "reason": "requested_by_customer"})
		// stripe-mock's canned refund has succeeded.
		if !strings.HasPrefix(got.Ref, "re_") || got.Status != payment.StatusSucceeded {
			t.Fatalf("refunded %+v", got)
		}
	})

	t.Run("OurOwnReasonGoesInMetadata", func(t *testing.T) {
		cfg, rec := srv.Recording(t)
		_, err := mustNew(t, cfg).Refund(context.Background(), payment.RefundRequest{
			Key: "refund:o_2:1", Ref: "pi_3Qlate", Amount: 12800, Currency: "CNY", Reason: "paid after the order expired",
		})
		if err != nil {
			t.Fatal(err)
		}
		call := onlyCall(t, rec)
		wantForm(t, call.Form, map[string]string{"reason": "", "metadata[reason]": "paid after the order expired"})
	})
}

func TestStripe_Unavailable(t *testing.T) {
	refusedURL := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		return "http://" + l.Addr().String()
	}
	// silentURL accepts connections and never answers.
	silentURL := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var conns []net.Conn
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
		}()
		t.Cleanup(func() {
			l.Close()
			mu.Lock()
			defer mu.Unlock()
			for _, c := range conns {
				c.Close()
			}
		})
		return "http://" + l.Addr().String()
	}
	cases := map[string]func(t *testing.T) stripe.Config{
		"ClosedPort": func(t *testing.T) stripe.Config {
			return stripe.Config{SecretKey: "sk_test_x", WebhookSecret: "whsec_x", APIURL: refusedURL(t), Timeout: 300 * time.Millisecond}
		},
		"ServerThatNeverAnswers": func(t *testing.T) stripe.Config {
			return stripe.Config{SecretKey: "sk_test_x", WebhookSecret: "whsec_x", APIURL: silentURL(t), Timeout: 300 * time.Millisecond}
		},
		"KeyStripeRefuses": func(t *testing.T) stripe.Config {
			cfg := stripemocktest.MustStart(t)
			cfg.SecretKey = "sk_live_not-a-key" // stripe-mock answers 401, as Stripe does
			return cfg
		},
	}
	for name, config := range cases {
		t.Run(name, func(t *testing.T) {
			s := mustNew(t, config(t))
			done := make(chan error, 1)
			go func() {
				_, err := s.Start(context.Background(), charge)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, payment.ErrUnavailable) || errors.Is(err, payment.ErrRejected) {
					t.Fatalf("got %v", err)
				}
				if strings.Contains(err.Error(), "not-a-key") {
					t.Fatalf("the error shows the key: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Start did not give up")
			}
		})
	}

	t.Run("ACallerThatGaveUpGetsItsOwnError", func(t *testing.T) {
		s := mustNew(t, stripe.Config{SecretKey: "sk_test_x", WebhookSecret: "whsec_x", APIURL: silentURL(t)})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Start(ctx, charge)
		if !errors.Is(err, context.Canceled) || errors.Is(err, payment.ErrUnavailable) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestConfig_SecretsNeverPrint(t *testing.T) {
	cfg := stripe.Config{SecretKey: "sk_live_hunter2", WebhookSecret: "whsec_swordfish", PublishableKey: "pk_live_public"}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("payments", "stripe", cfg)
	printed := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg) + log.String()
	for _, secret := range []string{"hunter2", "swordfish"} {
		if strings.Contains(printed, secret) {
			t.Errorf("printed %q: %s", secret, printed)
		}
	}
	if !strings.Contains(printed, "pk_live_public") || !strings.Contains(printed, "api.stripe.com") {
		t.Errorf("want the public key and the API named: %s", printed)
	}
}

func TestNew_RefusesAnIncompleteConfig(t *testing.T) {
	for name, cfg := range map[string]stripe.Config{
		"NoSecretKey":     {WebhookSecret: "whsec_x"},
		"NoWebhookSecret": {SecretKey: "sk_test_x"},
		"BadAPIURL":       {SecretKey: "sk_test_x", WebhookSecret: "whsec_x", APIURL: "localhost:12111"},
	} {
		if _, err := stripe.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
