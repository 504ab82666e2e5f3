package commerce

import (
	"context"
	"fmt"

	"guildhall/internal/account"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Why a group's shipping is not known.
const (
	ShippingNeedsAddress = "choose_address"
	ShippingUnknown      = "ships_to_unknown"
	ShopNotReady         = "shop_not_ready"
)

// CartView is a cart as its page shows it: lines grouped by maker with
// each maker's shipping and total. Prices, titles and availability come
// from the works index (good enough to show); checkout reads every work
// by _id again and is what counts.
type CartView struct {
	Groups []CartGroup
	// Totals holds one total per currency (one, unless makers sell in
	// several currencies: then each is checked out on its own).
	Totals  []Money
	Count   int
	Country string // the country shipping was worked out for, "" if none
}

// CartGroup is one maker's part of a cart: what one order would hold.
type CartGroup struct {
	Maker    Party
	Lines    []CartViewLine
	Subtotal Money
	// Shipping is nil while unknown; ShippingProblem says why.
	Shipping        *Money
	ShippingProblem string
	Total           Money
	Methods         []string // payment methods the maker takes
}

// CartViewLine is one line as the cart shows it.
type CartViewLine struct {
	CartLine
	Title, OptionName, Image, URL string
	UnitPrice, LineTotal          Money
	// Available is false for a work that is gone, not published, out of
	// stock, or whose option is gone.
	Available    bool
	PriceChanged bool // the price today is not the one the buyer saw
}

// Cart shows u's cart, with shipping to the address addressID (or the
// first address in the book when addressID is ""): a read of the cart and
// one of the address book by _id, one search over the works index, and a
// read by _id of each maker's shop.
func (s *Service) Cart(ctx context.Context, u *account.User, addressID string) (*CartView, error) {
	c, err := s.readCart(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	book, err := s.Addresses(ctx, u)
	if err != nil {
		return nil, err
	}
	country := ""
	for i, a := range book {
		if a.ID == addressID || (addressID == "" && i == 0) {
			country = a.Country
		}
	}
	v, err := s.ViewLines(ctx, c.sorted(), country)
	if err != nil {
		return nil, err
	}
	// The header's count is kept with $inc as lines change; a crash
	// between the cart write and the count leaves it off until here.
	if v.Count != u.CartCount {
		if err := s.cartCount.SetCartCount(ctx, u.ID, v.Count); err != nil {
			s.log.WarnContext(ctx, "set cart count", "user", u.ID, "err", err)
		}
	}
	return v, nil
}

// ViewLines shows lines (a signed-in cart, or a visitor's from a cookie)
// with shipping to country ("" when not chosen yet).
func (s *Service) ViewLines(ctx context.Context, lines []CartLine, country string) (*CartView, error) {
	v := &CartView{Country: country, Groups: []CartGroup{}, Totals: []Money{}}
	if len(lines) == 0 {
		return v, nil
	}
	faces, err := s.workFaces(ctx, lines)
	if err != nil {
		return nil, err
	}
	at := map[string]int{}
	for _, l := range lines {
		v.Count += l.Quantity
		f, found := faces[l.WorkID]
		maker := Party{ID: f.makerID, Handle: f.makerHandle, Name: f.makerName}
		i, ok := at[maker.ID]
		if !ok {
			i, at[maker.ID] = len(v.Groups), len(v.Groups)
			v.Groups = append(v.Groups, CartGroup{Maker: maker, Lines: []CartViewLine{}})
		}
		line := CartViewLine{CartLine: l, Title: f.card.Title, Image: f.card.Image, URL: f.card.URL}
		price, name, hasOption := f.option(l.OptionID)
		line.UnitPrice, line.OptionName = price, name
		line.Available = found && hasOption && (f.card.InStock || f.card.MadeToOrder)
		line.PriceChanged = found && hasOption && price != l.UnitPriceSeen
		if line.Available {
			line.LineTotal = Money{Amount: price.Amount * int64(l.Quantity), Currency: price.Currency}
		}
		v.Groups[i].Lines = append(v.Groups[i].Lines, line)
	}
	for i := range v.Groups {
		if err := s.priceGroup(ctx, &v.Groups[i], country); err != nil {
			return nil, err
		}
		v.Totals = addTo(v.Totals, v.Groups[i].Total)
	}
	return v, nil
}

// priceGroup works out a group's subtotal, shipping and total from its
// maker's shop (one read by _id).
func (s *Service) priceGroup(ctx context.Context, g *CartGroup, country string) error {
	items := 0
	for _, l := range g.Lines {
		if l.Available {
			items += l.Quantity
			g.Subtotal.Amount += l.LineTotal.Amount
			g.Subtotal.Currency = l.LineTotal.Currency
		}
	}
	if g.Maker.ID == "" || items == 0 {
		g.Total = g.Subtotal
		return nil
	}
	sh, err := s.Shop(ctx, g.Maker.ID)
	if err != nil {
		return err
	}
	g.Methods = sh.Methods()
	if g.Subtotal.Currency == "" {
		g.Subtotal.Currency = sh.Currency
	}
	switch cost, ok := sh.ShippingTo(country, items, g.Subtotal.Amount); {
	case !sh.Ships():
		g.ShippingProblem = ShopNotReady
	case country == "":
		g.ShippingProblem = ShippingNeedsAddress
	case !ok:
		g.ShippingProblem = ShippingUnknown
	default:
		g.Shipping = &Money{Amount: cost, Currency: sh.Currency}
	}
	g.Total = g.Subtotal
	if g.Shipping != nil {
		g.Total.Amount += g.Shipping.Amount
	}
	return nil
}

// addTo adds m to the total of its currency.
func addTo(totals []Money, m Money) []Money {
	if m.Currency == "" {
		return totals
	}
	for i := range totals {
		if totals[i].Currency == m.Currency {
			totals[i].Amount += m.Amount
			return totals
		}
	}
	return append(totals, m)
}

// face is what the works index says of a work.
type face struct {
	card                            work.Card
	makerID, makerHandle, makerName string
	options                         []any
}

// option returns the price and name of the work in optionID, from the
// index document; ok is false when the option is gone.
func (f face) option(optionID string) (price Money, name string, ok bool) {
	if optionID == "" {
		return f.card.Price, "", len(f.options) == 0
	}
	for _, o := range f.options {
		m, _ := o.(map[string]any)
		if id, _ := m["id"].(string); id == optionID {
			amount, _ := search.Number(m["price"])
			name, _ := m["name"].(string)
			return Money{Amount: int64(amount), Currency: f.card.Price.Currency}, name, true
		}
	}
	return Money{}, "", false
}

// workFaces reads the published works of lines from the works index: one
// search. Works that are missing are gone, drafts or archived.
func (s *Service) workFaces(ctx context.Context, lines []CartLine) (map[string]face, error) {
	ids := make([]any, 0, len(lines))
	seen := map[string]bool{}
	for _, l := range lines {
		if !seen[l.WorkID] {
			seen[l.WorkID] = true
			ids = append(ids, l.WorkID)
		}
	}
	res, err := s.index.Search(ctx, work.SearchKind, search.Query{Limit: len(ids),
		Filters: []search.Filter{work.PublicFilter(), {Field: "id", Values: ids}}})
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("cart works: %w", err))
	}
	out := make(map[string]face, len(res.Hits))
	for _, h := range res.Hits {
		str := func(k string) string { v, _ := h.Document[k].(string); return v }
		opts, _ := h.Document["options"].([]any)
		out[h.ID] = face{card: work.CardFrom(h.Document), makerID: str("maker_id"), makerHandle: str("maker_handle"),
			makerName: str("maker_name"), options: opts}
	}
	return out, nil
}
