// Package payment is how buyers pay: one Provider interface with two real
// implementations, offline (a bank transfer or a payment code the buyer
// reports and the maker confirms) in this package, and card payments
// through Stripe PaymentIntents in payment/stripe. Commerce drives them;
// they know nothing of orders beyond the ids carried in Metadata.
//
// Amounts are integers in minor units with an ISO 4217 currency, as
// everywhere in Guildhall; never floats.
package payment

import (
	"context"
	"errors"
)

// Methods a buyer can pay with.
const (
	MethodOffline = "offline"
	MethodStripe  = "stripe"
)

// Statuses of a started payment.
const (
	StatusAwaiting  = "awaiting"  // offline: waiting for the buyer to pay and report it
	StatusPending   = "pending"   // card: the buyer has yet to confirm the card
	StatusSucceeded = "succeeded" // the money is collected
	StatusCanceled  = "canceled"
	StatusFailed    = "failed"
)

// Event types a provider reports through its webhook.
const (
	EventSucceeded = "succeeded" // the money for Ref is collected
	EventFailed    = "failed"    // an attempt failed; the buyer may try again
	EventCanceled  = "canceled"  // Ref will never be paid
	EventRefunded  = "refunded"  // money went back to the buyer (all or part)
)

// ErrBadSignature is a webhook payload whose signature does not verify.
var ErrBadSignature = errors.New("payment: bad webhook signature")

// ErrUnavailable wraps a provider that cannot be reached or refused for a
// reason of its own (not the request's fault); callers answer 503.
var ErrUnavailable = errors.New("payment: provider unavailable")

// ErrRejected wraps a request the provider refused because of the request
// itself (a declined card, an amount it does not take, a payment in a state
// that forbids it): sending it again will not help, unlike ErrUnavailable.
var ErrRejected = errors.New("payment: refused by the provider")

// Charge asks a provider to collect Amount for the orders of one checkout.
type Charge struct {
	// Key makes Start idempotent: the same Key starts one payment, however
	// often it is called (a retried checkout, a repair after a crash).
	Key         string
	Amount      int64
	Currency    string
	Description string
	// Metadata comes back in every Event about this payment; commerce puts
	// the checkout and its order ids there.
	Metadata map[string]string
}

// Started is what the buyer needs to pay.
type Started struct {
	Ref          string // the provider's id for the payment ("" offline)
	ClientSecret string // card: what the page's card form confirms with
	// StatusAwaiting or StatusPending; a card Start repeated under the
	// same Key may find the payment succeeded or canceled meanwhile.
	Status string
}

// RefundRequest gives Amount of a payment back.
type RefundRequest struct {
	Key      string // idempotency, as Charge.Key
	Ref      string // the payment to refund
	Amount   int64
	Currency string
	Reason   string
}

// Refunded is a refund the provider accepted.
type Refunded struct {
	Ref    string // the provider's id for the refund ("" offline)
	Status string // StatusSucceeded, or StatusPending while it completes (offline: until the buyer confirms)
}

// Event is one thing a provider tells of a payment, once verified.
type Event struct {
	ID       string // the provider's event id: apply each once
	Type     string // EventSucceeded, EventFailed, EventCanceled, EventRefunded
	Ref      string // the payment it is about
	Amount   int64  // collected (succeeded) or refunded so far (refunded)
	Currency string
	Metadata map[string]string
}

// Provider collects and refunds money by one method.
type Provider interface {
	Method() string
	Start(ctx context.Context, c Charge) (Started, error)
	// Cancel abandons an unpaid payment (its orders expired). Cancelling
	// one that was paid meanwhile fails; the late payment then arrives as
	// an event and is handled there.
	Cancel(ctx context.Context, ref string) error
	Refund(ctx context.Context, r RefundRequest) (Refunded, error)
}

// Webhooks verify and read a provider's callbacks.
type Webhooks interface {
	// Parse checks signature over payload and returns the event, or an
	// error wrapping ErrBadSignature. Events of no interest come back with
	// an empty Type.
	Parse(payload []byte, signature string) (Event, error)
}

// Offline is payment by bank transfer or a payment code outside any
// processor: the maker's instructions tell the buyer how to pay, the buyer
// reports the payment with a reference and the maker confirms it. Refunds
// are sent by the maker and confirmed by the buyer. Nothing is called.
type Offline struct{}

// Method is MethodOffline.
func (Offline) Method() string { return MethodOffline }

// Start has nothing to call: the buyer pays by the maker's instructions.
func (Offline) Start(context.Context, Charge) (Started, error) {
	return Started{Status: StatusAwaiting}, nil
}

// Cancel has nothing to call.
func (Offline) Cancel(context.Context, string) error { return nil }

// Refund stays pending until the buyer confirms the money arrived.
func (Offline) Refund(context.Context, RefundRequest) (Refunded, error) {
	return Refunded{Status: StatusPending}, nil
}
