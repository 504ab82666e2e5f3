package stripe

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	stripego "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"guildhall/internal/payment"
)

// intentEvents are the events about an intent that commerce acts on.
var intentEvents = map[stripego.EventType]string{
	stripego.EventTypePaymentIntentSucceeded:     payment.EventSucceeded,
	stripego.EventTypePaymentIntentPaymentFailed: payment.EventFailed,
	stripego.EventTypePaymentIntentCanceled:      payment.EventCanceled,
}

// Parse verifies a Stripe-Signature header over payload with the webhook
// secret and reads the event. Signatures older than five minutes are
// refused, so a captured payload cannot be replayed later.
//
// Events about an intent carry it as Ref with its amount (received, for a
// success), its currency and its metadata. charge.refunded carries the
// charge's intent as Ref, the amount refunded so far and the charge's
// metadata, which Stripe copies from the intent when it creates the charge.
// Other events come back with an empty Type.
func (s *Stripe) Parse(payload []byte, signature string) (payment.Event, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, signature, s.webhookSecret, webhook.ConstructEventOptions{
		// Events are written in the API version of the endpoint that
		// receives them (Stripe's test events and stripe-mock's in older
		// ones); the few fields read here are the same in all of them.
		IgnoreAPIVersionMismatch: true,
	})
	switch {
	case errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader),
		errors.Is(err, webhook.ErrNoValidSignature), errors.Is(err, webhook.ErrTooOld):
		return payment.Event{}, fmt.Errorf("read stripe event: %w: %w", payment.ErrBadSignature, err)
	case err != nil:
		return payment.Event{}, fmt.Errorf("read stripe event: %w", err)
	}
	e := payment.Event{ID: ev.ID}
	if ev.Data == nil {
		return e, nil
	}
	if typ, ok := intentEvents[ev.Type]; ok {
		var pi stripego.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return payment.Event{}, fmt.Errorf("read stripe event %s: %w", ev.ID, err)
		}
		e.Type, e.Ref, e.Amount = typ, pi.ID, pi.Amount
		if typ == payment.EventSucceeded {
			e.Amount = pi.AmountReceived
		}
		e.Currency, e.Metadata = strings.ToUpper(string(pi.Currency)), pi.Metadata
		return e, nil
	}
	if ev.Type != stripego.EventTypeChargeRefunded {
		return e, nil
	}
	var ch stripego.Charge
	if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
		return payment.Event{}, fmt.Errorf("read stripe event %s: %w", ev.ID, err)
	}
	if ch.PaymentIntent == nil || ch.PaymentIntent.ID == "" {
		// A charge made without an intent was not made by Guildhall.
		return e, nil
	}
	e.Type, e.Ref, e.Amount = payment.EventRefunded, ch.PaymentIntent.ID, ch.AmountRefunded
	e.Currency, e.Metadata = strings.ToUpper(string(ch.Currency)), ch.Metadata
	return e, nil
}
