package server

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/payment"
	"guildhall/internal/problem"
)

// apiStripeWebhook takes Stripe's report of a payment. The signature over
// the exact bytes sent is the only credential, so the body is read as it
// came. Any answer but 2xx makes Stripe deliver the event again later,
// which is what an event still being applied (409) wants.
func (s *Server) apiStripeWebhook(c echo.Context) error {
	hooks := s.payments.CardWebhooks
	if hooks == nil { // no Stripe configured: nothing here to call
		return problem.NotFound("page")
	}
	payload, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return jsonProblem(err)
	}
	ev, err := hooks.Parse(payload, c.Request().Header.Get("Stripe-Signature"))
	switch {
	case errors.Is(err, payment.ErrBadSignature):
		return problem.Malformed("error_bad_signature", "Stripe-Signature")
	case err != nil:
		return problem.Malformed("error_body_unreadable", "")
	}
	if err := s.commerce.ApplyPaymentEvent(c.Request().Context(), ev); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookReceiptJSON{Received: true})
}
