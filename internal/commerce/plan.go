package commerce

import (
	"context"
	"slices"
	"sort"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/payment"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// plan is what a checkout will make, worked out before anything is taken
// and stored in its intent, so a repair makes exactly the same.
type plan struct {
	Buyer     Party          `bson:"buyer"`
	Method    string         `bson:"method"`
	Currency  string         `bson:"currency"`
	Total     Money          `bson:"total"`
	PaymentID string         `bson:"payment_id"`
	Orders    []plannedOrder `bson:"orders"`
	CartKeys  []string       `bson:"cart_keys"` // the cart lines the orders take
}

type plannedOrder struct {
	ID           string      `bson:"id"`
	Number       string      `bson:"number"`
	Maker        Party       `bson:"maker"`
	Lines        []OrderLine `bson:"lines"`
	Amounts      Amounts     `bson:"amounts"`
	Address      Address     `bson:"address"`
	Note         string      `bson:"note"`
	Instructions string      `bson:"instructions,omitempty"`
	QRURL        string      `bson:"qr_url,omitempty"`
}

// stockLine is what one order takes of one work.
type stockLine struct {
	WorkID, OrderID string
	N               int
}

// stockLines are the plan's takes, lines of one work in several options
// together, in work-id order (so two checkouts always take in the same
// order).
func (p *plan) stockLines() []stockLine {
	var out []stockLine
	for _, o := range p.Orders {
		for _, l := range o.Lines {
			if l.MadeToOrder {
				continue
			}
			i := slices.IndexFunc(out, func(x stockLine) bool { return x.WorkID == l.WorkID })
			if i < 0 {
				out = append(out, stockLine{WorkID: l.WorkID, OrderID: o.ID})
				i = len(out) - 1
			}
			out[i].N += l.Quantity
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].WorkID < out[j].WorkID })
	return out
}

func invalid(code string, fields map[string]string) error {
	return &problem.Error{Kind: problem.KindInvalid, Code: code, Message: code, Fields: fields}
}

// makePlan reads everything a checkout needs by _id (the cart, the address
// book, each work, each maker's shop) and checks it: every 422 names its
// field, then a changed total (409 price_changed), then stock as read (409
// out_of_stock, before anything is taken).
func (s *Service) makePlan(ctx context.Context, u *account.User, id string, in CheckoutInput) (*plan, error) {
	c, err := s.readCart(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	addr, ok, err := s.address(ctx, u, in.AddressID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("address_unknown", map[string]string{"address_id": "address_unknown"})
	}
	p := &plan{Buyer: Party{ID: u.ID, Handle: u.Handle, Name: u.DisplayName}, Method: in.PaymentMethod, PaymentID: paymentID(id)}
	f, own := map[string]string{}, map[string]string{}
	works := map[string]*work.Work{}
	byMaker := map[string]*plannedOrder{}
	var short []string // works with too little stock as read
	now := s.clock()
	for _, l := range c.sorted() {
		w, ok := works[l.WorkID]
		if !ok {
			w, err = s.works.Get(ctx, nil, l.WorkID)
			if problem.KindOf(err) == problem.KindNotFound {
				if in.Maker == "" {
					f["lines."+l.WorkID] = "work_unavailable"
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			works[l.WorkID] = w
		}
		if in.Maker != "" && w.Maker.ID != in.Maker {
			continue
		}
		if w.Maker.ID == u.ID {
			own["lines."+l.WorkID] = "own_work"
			continue
		}
		opt, ok := w.Option(l.OptionID)
		if !ok || (l.OptionID == "" && len(w.Variants) > 0) {
			f["lines."+l.WorkID] = "option_unknown"
			continue
		}
		o := byMaker[w.Maker.ID]
		if o == nil {
			oid := orderID(id, w.Maker.ID)
			o = &plannedOrder{ID: oid, Number: orderNumber(oid, now), Maker: Party{ID: w.Maker.ID, Handle: w.Maker.Handle, Name: w.Maker.Name},
				Address: *addr, Note: in.Note}
			byMaker[w.Maker.ID] = o
		}
		image := ""
		if img, ok := w.Cover(); ok {
			image = img.Thumb
		}
		o.Lines = append(o.Lines, OrderLine{WorkID: w.ID, Title: w.Title, OptionID: l.OptionID, OptionName: opt.Name,
			UnitPrice: opt.Price, Quantity: l.Quantity, Image: image, MadeToOrder: w.MadeToOrder,
			LineTotal: Money{Amount: opt.Price.Amount * int64(l.Quantity), Currency: opt.Price.Currency}})
		p.CartKeys = append(p.CartKeys, l.Key())
	}
	if len(own) > 0 {
		return nil, invalid("own_work", own)
	}
	if len(byMaker) == 0 && len(f) == 0 {
		return nil, invalid("cart_empty", map[string]string{"cart": "cart_empty"})
	}
	makers := make([]string, 0, len(byMaker))
	for m := range byMaker {
		makers = append(makers, m)
	}
	sort.Strings(makers)
	for _, m := range makers {
		o := byMaker[m]
		if err := s.priceOrder(ctx, p, o, addr.Country, f); err != nil {
			return nil, err
		}
		p.Orders = append(p.Orders, *o)
		short = append(short, shortOf(o, works)...)
	}
	if len(f) > 0 {
		code := "invalid"
		for _, c := range []string{"mixed_currencies", "payment_method_not_offered", "ships_to_unknown", "shop_not_ready", "work_unavailable"} {
			if slices.Contains(mapValues(f), c) {
				code = c
			}
		}
		return nil, invalid(code, f)
	}
	if in.ExpectedTotal != nil && *in.ExpectedTotal != p.Total {
		return nil, &problem.Error{Kind: problem.KindConflict, Code: "price_changed", Message: "price_changed",
			Fields: map[string]string{"expected_total": "price_changed"}, Data: map[string]any{"total": p.Total}}
	}
	if len(short) > 0 {
		return nil, outOfStock(short)
	}
	return p, nil
}

// priceOrder checks o against its maker's shop and works out its amounts.
func (s *Service) priceOrder(ctx context.Context, p *plan, o *plannedOrder, country string, f map[string]string) error {
	sh, err := s.Shop(ctx, o.Maker.ID)
	if err != nil {
		return err
	}
	if !sh.Ships() {
		f["makers."+o.Maker.ID] = "shop_not_ready"
		return nil
	}
	if !sh.Offers(p.Method) || (p.Method == payment.MethodStripe && !s.CardConfigured()) {
		f["payment_method"] = "payment_method_not_offered"
	}
	if p.Currency == "" {
		p.Currency = sh.Currency
	}
	if sh.Currency != p.Currency {
		f["maker"] = "mixed_currencies"
	}
	items := 0
	for _, l := range o.Lines {
		if l.UnitPrice.Currency != sh.Currency {
			f["lines."+l.WorkID] = "currency_mismatch"
		}
		items += l.Quantity
		o.Amounts.Subtotal.Amount += l.LineTotal.Amount
	}
	cost, ok := sh.ShippingTo(country, items, o.Amounts.Subtotal.Amount)
	if !ok {
		f["shipping."+o.Maker.ID] = "ships_to_unknown"
	}
	o.Amounts.Subtotal.Currency, o.Amounts.Shipping, o.Amounts.Total = sh.Currency,
		Money{Amount: cost, Currency: sh.Currency}, Money{Amount: o.Amounts.Subtotal.Amount + cost, Currency: sh.Currency}
	if p.Method == payment.MethodOffline {
		o.Instructions, o.QRURL = sh.Offline.Instructions, sh.Offline.QRURL
	}
	p.Total = Money{Amount: p.Total.Amount + o.Amounts.Total.Amount, Currency: p.Currency}
	return nil
}

// shortOf lists the works of o with less stock, as read, than o needs.
func shortOf(o *plannedOrder, works map[string]*work.Work) []string {
	need := map[string]int{}
	for _, l := range o.Lines {
		if !l.MadeToOrder {
			need[l.WorkID] += l.Quantity
		}
	}
	var out []string
	for id, n := range need {
		if works[id].Stock < n {
			out = append(out, id)
		}
	}
	return out
}

// outOfStock is the 409 naming the works.
func outOfStock(workIDs []string) error {
	sort.Strings(workIDs)
	f := map[string]string{}
	for _, id := range workIDs {
		f["lines."+id] = "out_of_stock"
	}
	return &problem.Error{Kind: problem.KindConflict, Code: "out_of_stock", Message: "out_of_stock", Fields: f,
		Data: map[string]any{"work_ids": workIDs}}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// expiry is how long an unpaid order by method waits.
func (s *Service) expiry(method string) time.Duration {
	if method == payment.MethodStripe {
		return s.opt.UnpaidExpiryCard
	}
	return s.opt.UnpaidExpiryOffline
}
