package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	stripego "github.com/stripe/stripe-go/v82"

	"guildhall/internal/payment"
)

// apiError is Stripe's refusal of a call, without the objects Stripe
// attaches to it (an intent's client secret among them), so it can be
// logged. It unwraps to payment.ErrRejected or payment.ErrUnavailable.
type apiError struct {
	kind        error
	status      int
	typ         stripego.ErrorType
	code        stripego.ErrorCode
	declineCode stripego.DeclineCode
	msg         string
	requestID   string
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("%v: stripe answered %d %s", e.kind, e.status, e.typ)
	if e.code != "" {
		s += "/" + string(e.code)
	}
	if e.declineCode != "" {
		s += "/" + string(e.declineCode)
	}
	s += ": " + e.msg
	if e.requestID != "" {
		s += " (request " + e.requestID + ")"
	}
	return s
}

func (e *apiError) Unwrap() error { return e.kind }

// classify tells a request Stripe refused for what it asked (the caller's
// to fix: payment.ErrRejected) from Stripe being out of reach, overloaded
// or refusing our credentials (payment.ErrUnavailable: try again later).
// A caller that gave up (its context canceled) gets its own error back.
func classify(ctx context.Context, err error) error {
	var se *stripego.Error
	if !errors.As(err, &se) {
		if errors.Is(ctx.Err(), context.Canceled) {
			return err
		}
		// Network failures, timeouts, an answer that is not Stripe's JSON.
		return fmt.Errorf("%w: %w", payment.ErrUnavailable, err)
	}
	e := &apiError{kind: payment.ErrRejected, status: se.HTTPStatusCode, typ: se.Type, code: se.Code,
		declineCode: se.DeclineCode, msg: se.Msg, requestID: se.RequestID}
	switch {
	case se.HTTPStatusCode == http.StatusUnauthorized, se.HTTPStatusCode == http.StatusForbidden:
		// A wrong or revoked key is the operator's to fix, not the
		// buyer's. Stripe's message may quote the key (stripe-mock's
		// does, whole), so it is not kept.
		e.kind, e.msg = payment.ErrUnavailable, "the secret key was refused"
	case se.HTTPStatusCode >= 500, se.Type == stripego.ErrorTypeAPI,
		se.HTTPStatusCode == http.StatusTooManyRequests,
		// Another call with the same key is still running; its answer
		// will be replayed to the next try.
		se.Code == stripego.ErrorCodeIdempotencyKeyInUse:
		e.kind = payment.ErrUnavailable
	}
	return e
}

// canceledAlready is Stripe refusing to cancel an intent because it is
// canceled: a repeated Cancel (a retried expiry) has nothing left to do.
func canceledAlready(err error) bool {
	var se *stripego.Error
	return errors.As(err, &se) && se.Code == stripego.ErrorCodePaymentIntentUnexpectedState &&
		se.PaymentIntent != nil && se.PaymentIntent.Status == stripego.PaymentIntentStatusCanceled
}
