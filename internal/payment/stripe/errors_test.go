package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	stripego "github.com/stripe/stripe-go/v82"

	"guildhall/internal/payment"
)

// stripeAnswer is the error stripe-go makes of a Stripe answer, through
// the same code that reads a real one.
func stripeAnswer(t *testing.T, status int, body string) error {
	t.Helper()
	b := stripego.GetBackendWithConfig(stripego.APIBackend, &stripego.BackendConfig{
		LeveledLogger: &stripego.LeveledLogger{Level: stripego.LevelNull},
	}).(*stripego.BackendImplementation)
	res := &http.Response{StatusCode: status, Header: http.Header{"Request-Id": {"req_test"}}}
	return b.ResponseToError(res, []byte(body))
}

// Answers as Stripe documents them (https://docs.stripe.com/error-codes),
// which stripe-mock cannot be made to give.
func TestClassify_TellsTheCallersFaultFromStripes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"CardDeclined", 402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}`, payment.ErrRejected},
		{"MissingParameter", 400, `{"error":{"type":"invalid_request_error","code":"parameter_missing","param":"amount","message":"Missing required param: amount."}}`, payment.ErrRejected},
		{"NoSuchIntent", 404, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such payment_intent: 'pi_x'"}}`, payment.ErrRejected},
		{"KeyReusedWithOtherParameters", 400, `{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}`, payment.ErrRejected},
		{"RefundLargerThanTheCharge", 400, `{"error":{"type":"invalid_request_error","code":"amount_too_large","message":"Refund amount is greater than unrefunded amount on charge."}}`, payment.ErrRejected},
		{"KeyInUse", 409, `{"error":{"type":"invalid_request_error","code":"idempotency_key_in_use","message":"There is currently another in-progress request using this Idempotent Key."}}`, payment.ErrUnavailable},
		{"RateLimited", 429, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests hit the API too quickly."}}`, payment.ErrUnavailable},
		{"StripesOwnFailure", 500, `{"error":{"type":"api_error","message":"An unknown error occurred"}}`, payment.ErrUnavailable},
		{"ExpiredKey", 401, `{"error":{"type":"invalid_request_error","code":"api_key_expired","message":"Expired API Key provided: sk_live_****1234"}}`, payment.ErrUnavailable},
		{"RestrictedKeyWithoutPermission", 403, `{"error":{"type":"invalid_request_error","message":"The provided key 'rk_live_****1234' does not have the required permissions"}}`, payment.ErrUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := classify(context.Background(), stripeAnswer(t, c.status, c.body))
			other := payment.ErrUnavailable
			if c.want == payment.ErrUnavailable {
				other = payment.ErrRejected
			}
			if !errors.Is(err, c.want) || errors.Is(err, other) {
				t.Fatalf("got %v", err)
			}
			if !strings.Contains(err.Error(), "req_test") || strings.Contains(err.Error(), "****1234") {
				t.Fatalf("want the request id and never the key: %v", err)
			}
		})
	}
}

func TestClassify_NeverPrintsTheIntentStripeAttaches(t *testing.T) {
	err := classify(context.Background(), stripeAnswer(t, 402, `{"error":{"type":"card_error","code":"card_declined",
		"message":"Your card was declined.","payment_intent":{"id":"pi_1","client_secret":"pi_1_secret_abc","status":"requires_payment_method"}}}`))
	if got := fmt.Sprint(err); strings.Contains(got, "pi_1_secret_abc") || !strings.Contains(got, "card_declined") {
		t.Fatalf("got %s", got)
	}
}

func TestCanceledAlready(t *testing.T) {
	unexpected := func(status string) error {
		return stripeAnswer(t, 400, `{"error":{"type":"invalid_request_error","code":"payment_intent_unexpected_state",
			"message":"You cannot cancel this PaymentIntent because it has a status of `+status+`.",
			"payment_intent":{"id":"pi_1","object":"payment_intent","status":"`+status+`"}}}`)
	}
	if !canceledAlready(unexpected("canceled")) {
		t.Error("cancelling a canceled intent again must count as done")
	}
	// Paid meanwhile: Cancel fails, and the payment arrives as an event.
	if err := unexpected("succeeded"); canceledAlready(err) || !errors.Is(classify(context.Background(), err), payment.ErrRejected) {
		t.Error("cancelling a paid intent must fail as rejected")
	}
}
