package stripe_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"guildhall/internal/payment"
	"guildhall/internal/payment/stripe"
	"guildhall/internal/payment/stripe/stripemocktest"
)

// canned fetches an object as stripe-mock serves it: Stripe's own shape,
// from Stripe's API description, for the test to fill in.
func canned(t *testing.T, cfg stripe.Config, path string) map[string]any {
	t.Helper()
	req, err := http.NewRequest("GET", cfg.APIURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+cfg.SecretKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var obj map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return obj
}

// event wraps obj, changed by set, in stripe-mock's canned event envelope.
func event(t *testing.T, cfg stripe.Config, id, typ, apiVersion string, obj map[string]any, set map[string]any) []byte {
	t.Helper()
	for k, v := range set {
		obj[k] = v
	}
	ev := canned(t, cfg, "/v1/events/"+id)
	ev["type"], ev["data"] = typ, map[string]any{"object": obj}
	ev["api_version"] = nil // as stripe-mock sends it
	if apiVersion != "" {
		ev["api_version"] = apiVersion
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

func TestStripe_Parse(t *testing.T) {
	cfg := stripemocktest.MustStart(t)
	s := mustNew(t, cfg)
	meta := map[string]any{"checkout": "u_ada:6f1c", "orders": "o_1,o_2"}
	intent := func(set map[string]any) map[string]any {
		obj := canned(t, cfg, "/v1/payment_intents/pi_3Qada")
		obj["currency"], obj["amount"], obj["metadata"] = "cny", 12800, meta
		for k, v := range set {
			obj[k] = v
		}
		return obj
	}
	wantMeta := map[string]string{"checkout": "u_ada:6f1c", "orders": "o_1,o_2"}

	cases := []struct {
		name    string
		payload []byte
		want    payment.Event
	}{{
		name: "Succeeded",
		payload: event(t, cfg, "evt_paid", "payment_intent.succeeded", "", intent(nil),
			map[string]any{"status": "succeeded", "amount_received": 12800}),
		want: payment.Event{ID: "evt_paid", Type: payment.EventSucceeded, Ref: "pi_3Qada", Amount: 12800, Currency: "CNY", Metadata: wantMeta},
	}, {
		name: "PaymentFailed",
		payload: event(t, cfg, "evt_declined", "payment_intent.payment_failed", "2024-06-20", intent(nil),
			map[string]any{"status": "requires_payment_method", "last_payment_error": map[string]any{"type": "card_error", "code": "card_declined"}}),
		want: payment.Event{ID: "evt_declined", Type: payment.EventFailed, Ref: "pi_3Qada", Amount: 12800, Currency: "CNY", Metadata: wantMeta},
	}, {
		name: "Canceled",
		payload: event(t, cfg, "evt_gone", "payment_intent.canceled", "2025-08-27.basil", intent(nil),
			map[string]any{"status": "canceled", "cancellation_reason": "abandoned"}),
		want: payment.Event{ID: "evt_gone", Type: payment.EventCanceled, Ref: "pi_3Qada", Amount: 12800, Currency: "CNY", Metadata: wantMeta},
	}, {
		name: "ChargeRefunded",
		payload: event(t, cfg, "evt_back", "charge.refunded", "", canned(t, cfg, "/v1/charges/ch_3Qada"), map[string]any{
			"payment_intent": "pi_3Qada", "amount": 12800, "amount_refunded": 3000, "refunded": false,
			"currency": "cny", "metadata": meta,
		}),
		want: payment.Event{ID: "evt_back", Type: payment.EventRefunded, Ref: "pi_3Qada", Amount: 3000, Currency: "CNY", Metadata: wantMeta},
	}, {
		name:    "AChargeWithoutAnIntentIsNotOurs",
		payload: event(t, cfg, "evt_other", "charge.refunded", "", canned(t, cfg, "/v1/charges/ch_old"), nil),
		want:    payment.Event{ID: "evt_other"},
	}, {
		name:    "AnEventOfNoInterest",
		payload: event(t, cfg, "evt_cust", "customer.created", "", canned(t, cfg, "/v1/customers/cus_1"), nil),
		want:    payment.Event{ID: "evt_cust"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Parse(c.payload, sign(c.payload, cfg.WebhookSecret, time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}

	paid := cases[0].payload
	refused := map[string]string{
		"WrongSecret":    sign(paid, "whsec_someone_else", time.Now()),
		"TamperedBody":   sign([]byte(strings.Replace(string(paid), "12800", "1", 1)), cfg.WebhookSecret, time.Now()),
		"OldTimestamp":   sign(paid, cfg.WebhookSecret, time.Now().Add(-10*time.Minute)),
		"MissingHeader":  "",
		"GarbageHeader":  "t=yesterday,v1=zz",
		"NoV1Signature":  "t=1700000000,v0=abc",
		"SignatureOfNil": sign(nil, cfg.WebhookSecret, time.Now()),
	}
	for name, header := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := s.Parse(paid, header)
			if !errors.Is(err, payment.ErrBadSignature) {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("ASignedBodyThatIsNotJSONIsNoSignatureError", func(t *testing.T) {
		body := []byte("not json")
		_, err := s.Parse(body, sign(body, cfg.WebhookSecret, time.Now()))
		if err == nil || errors.Is(err, payment.ErrBadSignature) {
			t.Fatalf("got %v", err)
		}
	})
}
