package commerce

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/payment"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Destinations a rate may name besides an ISO country.
const (
	ToDomestic      = "domestic"
	ToInternational = "international"
)

// Limits of shop settings.
const (
	maxRates        = 30
	maxProcessing   = 365
	maxInstructions = 2000
	maxAmount       = 100_000_000_00
)

// DayRange is a number of days, from Min to Max.
type DayRange struct {
	Min int `bson:"min"`
	Max int `bson:"max"`
}

// Rate is what shipping to a destination costs, in the shop's currency.
type Rate struct {
	To             string `bson:"to"` // ToDomestic, ToInternational or an ISO country
	FirstItem      int64  `bson:"first_item"`
	EachAdditional int64  `bson:"each_additional"`
}

// Offline is a shop's offline payment: how to pay, and a QR code to scan.
type Offline struct {
	Enabled      bool   `bson:"enabled"`
	Instructions string `bson:"instructions"`
	QRMediaID    string `bson:"qr_media_id,omitempty"`
	QRURL        string `bson:"qr_url,omitempty"`
}

// Shop is a maker's shipping profile and payment settings, _id the
// maker's id (its own document: the studio stays as it is).
type Shop struct {
	ID             string    `bson:"_id"`
	Currency       string    `bson:"currency"`
	ProcessingDays DayRange  `bson:"processing_days"`
	ShipsFrom      string    `bson:"ships_from"`
	Rates          []Rate    `bson:"rates"`
	FreeOver       *int64    `bson:"free_over,omitempty"` // 包邮: free shipping from this subtotal up
	Offline        Offline   `bson:"offline"`
	Stripe         bool      `bson:"stripe"`
	UpdatedAt      time.Time `bson:"updated_at"`
}

// Ships reports whether the maker has set where they ship from and at
// what rates.
func (sh *Shop) Ships() bool { return sh.Currency != "" && sh.ShipsFrom != "" && len(sh.Rates) > 0 }

// Offers reports whether the shop takes method.
func (sh *Shop) Offers(method string) bool {
	switch method {
	case payment.MethodOffline:
		return sh.Offline.Enabled
	case payment.MethodStripe:
		return sh.Stripe
	}
	return false
}

// Methods lists the payment methods the shop takes.
func (sh *Shop) Methods() []string {
	var out []string
	for _, m := range []string{payment.MethodOffline, payment.MethodStripe} {
		if sh.Offers(m) {
			out = append(out, m)
		}
	}
	return out
}

// ShippingTo is the cost of sending items to country for an order whose
// subtotal is subtotal: the rate for that country, else domestic when it
// is where the shop ships from, else international. ok is false when no
// rate applies.
func (sh *Shop) ShippingTo(country string, items int, subtotal int64) (cost int64, ok bool) {
	find := func(to string) (Rate, bool) {
		i := slices.IndexFunc(sh.Rates, func(r Rate) bool { return r.To == to })
		if i < 0 {
			return Rate{}, false
		}
		return sh.Rates[i], true
	}
	r, ok := find(country)
	if !ok && country == sh.ShipsFrom {
		r, ok = find(ToDomestic)
	}
	if !ok && country != sh.ShipsFrom {
		r, ok = find(ToInternational)
	}
	if !ok || items < 1 {
		return 0, ok
	}
	if sh.FreeOver != nil && subtotal >= *sh.FreeOver {
		return 0, true
	}
	return r.FirstItem + r.EachAdditional*int64(items-1), true
}

// Shop returns makerID's settings; a maker who set nothing has an empty
// shop that neither ships nor takes payment.
func (s *Service) Shop(ctx context.Context, makerID string) (*Shop, error) {
	var sh Shop
	err := s.shops.FindOne(ctx, bson.M{"_id": makerID}).Decode(&sh)
	if mongodb.IsNotFound(err) {
		return &Shop{ID: makerID}, nil
	}
	if err != nil {
		return nil, mongodb.Classify("read shop "+makerID, err)
	}
	return &sh, nil
}

// ShippingInput is a maker's shipping profile as entered; every amount
// must be in the one currency the shop sells in.
type ShippingInput struct {
	ProcessingDays DayRange
	ShipsFrom      string
	Rates          []RateInput
	FreeOver       *Money
}

// RateInput is one rate as entered.
type RateInput struct {
	To             string
	FirstItem      Money
	EachAdditional Money
}

// PutShipping sets u's shipping profile, naming every bad field.
func (s *Service) PutShipping(ctx context.Context, u *account.User, in ShippingInput) (*Shop, error) {
	if !u.HasRole(account.RoleMaker) {
		return nil, problem.Forbidden("open_a_studio_first")
	}
	f := map[string]string{}
	if in.ProcessingDays.Min < 0 || in.ProcessingDays.Max < in.ProcessingDays.Min || in.ProcessingDays.Max > maxProcessing {
		f["processing_days"] = "out_of_range"
	}
	from := strings.ToUpper(strings.TrimSpace(in.ShipsFrom))
	if !ValidCountry(from) {
		f["ships_from"] = "country_unknown"
	}
	currency := ""
	// An amount without a currency is in the shop's currency (an omitted
	// each_additional is a zero in it).
	amount := func(field string, m Money) int64 {
		switch {
		case m.Currency == "":
		case !slices.Contains(work.Currencies, m.Currency):
			f[field+".currency"] = "currency_unknown"
		case currency == "":
			currency = m.Currency
		case m.Currency != currency:
			f[field+".currency"] = "currency_mismatch"
		}
		if m.Amount < 0 || m.Amount > maxAmount {
			f[field+".amount"] = "out_of_range"
		}
		return m.Amount
	}
	if len(in.Rates) == 0 {
		f["rates"] = "required"
	}
	if len(in.Rates) > maxRates {
		f["rates"] = "too_many"
	}
	rates := make([]Rate, 0, len(in.Rates))
	for i, r := range in.Rates {
		field := fmt.Sprintf("rates.%d", i)
		to := strings.TrimSpace(r.To)
		if to != ToDomestic && to != ToInternational {
			to = strings.ToUpper(to)
			if !ValidCountry(to) {
				f[field+".to"] = "country_unknown"
			}
		}
		if slices.ContainsFunc(rates, func(x Rate) bool { return x.To == to }) {
			f[field+".to"] = "duplicate"
		}
		rates = append(rates, Rate{To: to, FirstItem: amount(field+".first_item", r.FirstItem),
			EachAdditional: amount(field+".each_additional", r.EachAdditional)})
	}
	var freeOver *int64
	if in.FreeOver != nil {
		v := amount("free_over", *in.FreeOver)
		freeOver = &v
	}
	if currency == "" && len(in.Rates) > 0 {
		f["rates.0.first_item.currency"] = "required"
	}
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	return s.putShop(ctx, u.ID, bson.M{"currency": currency, "processing_days": in.ProcessingDays, "ships_from": from,
		"rates": rates, "free_over": freeOver})
}

// PaymentsInput is how a maker takes payment.
type PaymentsInput struct {
	Offline OfflineInput
	Stripe  bool
}

// OfflineInput is the offline method as entered.
type OfflineInput struct {
	Enabled      bool
	Instructions string
	QRMediaID    string
}

// PutPayments sets how u takes payment. Card payments cannot be enabled
// where the platform has no card provider.
func (s *Service) PutPayments(ctx context.Context, u *account.User, in PaymentsInput) (*Shop, error) {
	if !u.HasRole(account.RoleMaker) {
		return nil, problem.Forbidden("open_a_studio_first")
	}
	f := map[string]string{}
	instructions := strings.TrimSpace(in.Offline.Instructions)
	problem.CheckLength(f, "offline.instructions", instructions, 0, maxInstructions)
	if in.Offline.Enabled && instructions == "" && in.Offline.QRMediaID == "" {
		f["offline.instructions"] = "required"
	}
	if in.Stripe && !s.CardConfigured() {
		f["stripe.enabled"] = "stripe_not_configured"
	}
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	off := Offline{Enabled: in.Offline.Enabled, Instructions: instructions, QRMediaID: strings.TrimSpace(in.Offline.QRMediaID)}
	if off.QRMediaID != "" {
		url, err := s.images.AttachURL(ctx, u.ID, "offline.qr_media_id", off.QRMediaID, "medium")
		if err != nil {
			return nil, err
		}
		off.QRURL = url
	}
	return s.putShop(ctx, u.ID, bson.M{"offline": off, "stripe": in.Stripe})
}

func (s *Service) putShop(ctx context.Context, makerID string, set bson.M) (*Shop, error) {
	set["updated_at"] = s.clock()
	var sh Shop
	err := s.shops.FindOneAndUpdate(ctx, bson.M{"_id": makerID}, bson.M{"$set": set},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&sh)
	if mongodb.IsDuplicate(err) { // two first saves raced; the shop exists now
		err = s.shops.FindOneAndUpdate(ctx, bson.M{"_id": makerID}, bson.M{"$set": set},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&sh)
	}
	if err != nil {
		return nil, mongodb.Classify("save shop "+makerID, err)
	}
	return &sh, nil
}
