package server

import (
	"time"

	"guildhall/internal/commerce"
)

// The maker's shop: shipping profile, payment settings, bulk shipments.

type dayRangeJSON struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// rateJSON is one destination's rate, as sent and as answered; an
// amount sent without a currency is in the shop's.
type rateJSON struct {
	To             string    `json:"to"` // "domestic", "international" or an ISO country
	FirstItem      moneyJSON `json:"first_item"`
	EachAdditional moneyJSON `json:"each_additional"`
}

type shippingInputJSON struct {
	ProcessingDays dayRangeJSON `json:"processing_days"`
	Rates          []rateJSON   `json:"rates"`
	FreeOver       *moneyJSON   `json:"free_over"`
	ShipsFrom      string       `json:"ships_from"`
}

func (in shippingInputJSON) input() commerce.ShippingInput {
	out := commerce.ShippingInput{ProcessingDays: commerce.DayRange{Min: in.ProcessingDays.Min, Max: in.ProcessingDays.Max},
		ShipsFrom: in.ShipsFrom, Rates: make([]commerce.RateInput, 0, len(in.Rates))}
	for _, r := range in.Rates {
		out.Rates = append(out.Rates, commerce.RateInput{To: r.To, FirstItem: r.FirstItem.money(), EachAdditional: r.EachAdditional.money()})
	}
	out.FreeOver = optionalMoney(in.FreeOver)
	return out
}

type shippingJSON struct {
	Currency       string       `json:"currency"`
	ProcessingDays dayRangeJSON `json:"processing_days"`
	Rates          []rateJSON   `json:"rates"`
	FreeOver       *moneyJSON   `json:"free_over"`
	ShipsFrom      string       `json:"ships_from"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

func shippingOut(sh *commerce.Shop) shippingJSON {
	in := func(a int64) moneyJSON { return moneyJSON{Amount: a, Currency: sh.Currency} }
	out := shippingJSON{Currency: sh.Currency, ProcessingDays: dayRangeJSON{Min: sh.ProcessingDays.Min, Max: sh.ProcessingDays.Max},
		Rates: listOut(sh.Rates, func(r commerce.Rate) rateJSON {
			return rateJSON{To: r.To, FirstItem: in(r.FirstItem), EachAdditional: in(r.EachAdditional)}
		}), ShipsFrom: sh.ShipsFrom, UpdatedAt: sh.UpdatedAt}
	out.Rates = nonNil(out.Rates)
	if sh.FreeOver != nil {
		m := in(*sh.FreeOver)
		out.FreeOver = &m
	}
	return out
}

type shippingResponse struct {
	Shipping shippingJSON `json:"shipping"`
}

type offlineInputJSON struct {
	Enabled      bool   `json:"enabled"`
	Instructions string `json:"instructions"`
	QRMediaID    string `json:"qr_media_id"`
}

type stripeSettingJSON struct {
	Enabled bool `json:"enabled"`
}

type paymentsInputJSON struct {
	Offline offlineInputJSON  `json:"offline"`
	Stripe  stripeSettingJSON `json:"stripe"`
}

func (in paymentsInputJSON) input() commerce.PaymentsInput {
	return commerce.PaymentsInput{Stripe: in.Stripe.Enabled, Offline: commerce.OfflineInput{Enabled: in.Offline.Enabled,
		Instructions: in.Offline.Instructions, QRMediaID: in.Offline.QRMediaID}}
}

// offlineJSON is what buyers are shown of the offline method; the shop
// holds no secret (Stripe's keys are the platform's, in its config).
type offlineJSON struct {
	Enabled      bool   `json:"enabled"`
	Instructions string `json:"instructions"`
	QRMediaID    string `json:"qr_media_id"`
	QRURL        string `json:"qr_url"`
}

type paymentsJSON struct {
	Offline offlineJSON       `json:"offline"`
	Stripe  stripeSettingJSON `json:"stripe"`
	Methods []string          `json:"methods"` // what buyers may pay with
}

func paymentsOut(sh *commerce.Shop) paymentsJSON {
	o := sh.Offline
	return paymentsJSON{Offline: offlineJSON{Enabled: o.Enabled, Instructions: o.Instructions, QRMediaID: o.QRMediaID, QRURL: o.QRURL},
		Stripe: stripeSettingJSON{Enabled: sh.Stripe}, Methods: nonNil(sh.Methods())}
}

type paymentsResponse struct {
	Payments paymentsJSON `json:"payments"`
}

type shipmentInputJSON struct {
	OrderID        string `json:"order_id"`
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
}

func (in shipmentInputJSON) input() commerce.ShipmentLine {
	return commerce.ShipmentLine{OrderID: in.OrderID, Carrier: in.Carrier, TrackingNumber: in.TrackingNumber}
}

// shipmentsInputJSON is a bulk shipment's lines, a JSON array.
type shipmentsInputJSON []shipmentInputJSON

func (in shipmentsInputJSON) input() []commerce.ShipmentLine {
	return listOut(in, shipmentInputJSON.input)
}

// shipResultJSON is one line's outcome: the order's status after it, and
// when it did not ship, why (as an error answer would say it) and the
// status it was left in, when known.
type shipResultJSON struct {
	OrderID string           `json:"order_id"`
	Status  string           `json:"status"`
	Error   *errorDetailJSON `json:"error"`
}

type shipResultsJSON struct {
	Results []shipResultJSON `json:"results"`
}

// shipResultsOut converts each line's outcome; detail says an error as
// the error answer would.
func shipResultsOut(rs []commerce.ShipResult, detail func(error) (errorDetailJSON, string)) shipResultsJSON {
	return shipResultsJSON{Results: nonNil(listOut(rs, func(r commerce.ShipResult) shipResultJSON {
		out := shipResultJSON{OrderID: r.OrderID, Status: r.Status}
		if r.Err != nil {
			d, status := detail(r.Err)
			out.Error, out.Status = &d, status
		}
		return out
	}))}
}

// webhookReceiptJSON tells the provider the event was taken.
type webhookReceiptJSON struct {
	Received bool `json:"received"`
}
