// Package stripe is card payment through Stripe PaymentIntents: a
// payment.Provider that starts, cancels and refunds intents, and the
// payment.Webhooks that read Stripe's signed events about them.
//
// It is tested against the official stripe-mock server (stripemocktest),
// which checks every request against Stripe's API description but answers
// with canned objects.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v82"

	"guildhall/internal/payment"
)

// DefaultTimeout bounds each call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config is how to reach Stripe. Its secrets never print: String, GoString
// and LogValue mask them.
type Config struct {
	SecretKey      string // sk_… or a restricted rk_… key
	WebhookSecret  string // whsec_…, the signing secret of the webhook endpoint
	APIURL         string // empty: Stripe's own; set: another server speaking its API (stripe-mock in tests)
	PublishableKey string // pk_…, for the buyer's card form; public
	// Timeout bounds each call, with its one retry after a network error.
	Timeout time.Duration
}

func (c Config) String() string {
	api := c.APIURL
	if api == "" {
		api = stripego.APIURL
	}
	return fmt.Sprintf("stripe{api: %s, secret_key: %s, webhook_secret: %s, publishable_key: %s, timeout: %s}",
		api, mask(c.SecretKey), mask(c.WebhookSecret), c.PublishableKey, c.Timeout)
}

// GoString keeps %#v from printing the secrets field by field.
func (c Config) GoString() string { return c.String() }

// LogValue keeps slog from printing the secrets field by field.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "*****"
}

// Stripe takes card payments with PaymentIntents. It is safe for concurrent
// use.
type Stripe struct {
	client         *stripego.Client
	webhookSecret  string
	publishableKey string
	timeout        time.Duration
}

var (
	_ payment.Provider = (*Stripe)(nil)
	_ payment.Webhooks = (*Stripe)(nil)
)

// New checks c and builds the client. It calls nothing.
func New(c Config) (*Stripe, error) {
	if c.SecretKey == "" {
		return nil, errors.New("stripe: a secret key is required")
	}
	if c.WebhookSecret == "" {
		return nil, errors.New("stripe: a webhook secret is required")
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	bc := &stripego.BackendConfig{
		HTTPClient: &http.Client{Timeout: c.Timeout},
		// One retry, under the same idempotency key, rides out a dropped
		// connection; more would outlast the checkout waiting on it.
		MaxNetworkRetries: stripego.Int64(1),
		// Failures come back as errors for the caller to log; the
		// library's own log would print Stripe's answers a second time.
		LeveledLogger: &stripego.LeveledLogger{Level: stripego.LevelNull},
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("stripe: API URL %q: want an http(s) URL", c.APIURL)
		}
		bc.URL = stripego.String(strings.TrimRight(c.APIURL, "/"))
	}
	return &Stripe{
		client:         stripego.NewClient(c.SecretKey, stripego.WithBackends(stripego.NewBackendsWithConfig(bc))),
		webhookSecret:  c.WebhookSecret,
		publishableKey: c.PublishableKey,
		timeout:        c.Timeout,
	}, nil
}

// Method is payment.MethodStripe.
func (s *Stripe) Method() string { return payment.MethodStripe }

// PublishableKey is what the buyer's card form loads Stripe.js with.
func (s *Stripe) PublishableKey() string { return s.publishableKey }

// Start creates a PaymentIntent for the charge under its Key, so a repeated
// Start is answered with the intent the first one created.
func (s *Stripe) Start(ctx context.Context, c payment.Charge) (payment.Started, error) {
	if c.Key == "" {
		// Without a key stripe-go would make one up, and a retried
		// checkout would charge twice.
		return payment.Started{}, fmt.Errorf("start stripe payment: %w: no idempotency key", payment.ErrRejected)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	p := &stripego.PaymentIntentCreateParams{
		Amount:   stripego.Int64(c.Amount),
		Currency: stripego.String(strings.ToLower(c.Currency)),
		Metadata: c.Metadata,
		// The buyer pays with whatever the Stripe dashboard enables for
		// this account and currency (cards, Alipay, WeChat Pay…).
		AutomaticPaymentMethods: &stripego.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripego.Bool(true)},
	}
	if c.Description != "" {
		p.Description = stripego.String(c.Description)
	}
	p.SetIdempotencyKey(c.Key)
	pi, err := s.client.V1PaymentIntents.Create(ctx, p)
	if err != nil {
		return payment.Started{}, fmt.Errorf("start stripe payment %s: %w", c.Key, classify(ctx, err))
	}
	return payment.Started{Ref: pi.ID, ClientSecret: pi.ClientSecret, Status: status(pi.Status)}, nil
}

// Cancel cancels an unpaid intent. An intent canceled already counts as
// done; one that succeeded meanwhile fails with payment.ErrRejected.
func (s *Stripe) Cancel(ctx context.Context, ref string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	_, err := s.client.V1PaymentIntents.Cancel(ctx, ref, &stripego.PaymentIntentCancelParams{
		CancellationReason: stripego.String(string(stripego.PaymentIntentCancellationReasonAbandoned)),
	})
	if err != nil && !canceledAlready(err) {
		return fmt.Errorf("cancel stripe payment %s: %w", ref, classify(ctx, err))
	}
	return nil
}

// Refund gives r.Amount of the intent r.Ref back under r.Key. Stripe
// refunds in the currency the intent was paid in.
func (s *Stripe) Refund(ctx context.Context, r payment.RefundRequest) (payment.Refunded, error) {
	if r.Key == "" {
		return payment.Refunded{}, fmt.Errorf("refund stripe payment %s: %w: no idempotency key", r.Ref, payment.ErrRejected)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	p := &stripego.RefundCreateParams{
		PaymentIntent: stripego.String(r.Ref),
		Amount:        stripego.Int64(r.Amount),
	}
	// Stripe takes only its own reasons; ours go with the refund as
	// metadata, which the dashboard shows.
	switch reason := stripego.RefundReason(r.Reason); reason {
	case stripego.RefundReasonDuplicate, stripego.RefundReasonFraudulent, stripego.RefundReasonRequestedByCustomer:
		p.Reason = stripego.String(string(reason))
	case "":
	default:
		p.AddMetadata("reason", r.Reason)
	}
	p.SetIdempotencyKey(r.Key)
	rf, err := s.client.V1Refunds.Create(ctx, p)
	if err != nil {
		return payment.Refunded{}, fmt.Errorf("refund stripe payment %s: %w", r.Ref, classify(ctx, err))
	}
	return payment.Refunded{Ref: rf.ID, Status: status(rf.Status)}, nil
}

// status reads the state of an intent or of a refund, which Stripe names
// alike; every state but these waits on the buyer or on Stripe.
func status[S ~string](s S) string {
	switch string(s) {
	case "succeeded":
		return payment.StatusSucceeded
	case "canceled":
		return payment.StatusCanceled
	case "failed":
		return payment.StatusFailed
	}
	return payment.StatusPending
}
