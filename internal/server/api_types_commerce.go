package server

import (
	"time"

	"guildhall/internal/commerce"
)

// An address is shown to its owner and, on an order, to that order's
// maker and admins; it is never logged, so no type here has a String
// method or a log attribute.
type addressJSON struct {
	ID string `json:"id"`
	addressInputJSON
	Validated bool      `json:"validated"`
	AddedAt   time.Time `json:"added_at"`
}

func addressOut(a commerce.Address) addressJSON {
	return addressJSON{ID: a.ID, Validated: a.Validated, AddedAt: a.AddedAt, addressInputJSON: addressInputJSON{
		Name: a.Name, Phone: a.Phone, Country: a.Country, Region: a.Region, City: a.City, Line1: a.Line1, Line2: a.Line2,
		PostalCode: a.PostalCode}}
}

// addressesOut lists the whole book on one page: it holds at most twenty.
func addressesOut(book []commerce.Address) pageJSON[addressJSON] {
	return pageOut(nonNil(book), nil, len(book), addressOut)
}

type addressResponse struct {
	Address addressJSON `json:"address"`
}

type addressInputJSON struct {
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	Country    string `json:"country"`
	Region     string `json:"region"`
	City       string `json:"city"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	PostalCode string `json:"postal_code"`
}

func (in addressInputJSON) input() commerce.AddressInput {
	return commerce.AddressInput{Name: in.Name, Phone: in.Phone, Country: in.Country, Region: in.Region, City: in.City,
		Line1: in.Line1, Line2: in.Line2, PostalCode: in.PostalCode}
}

// orderPartyJSON is a buyer or a maker as carts and orders name them.
type orderPartyJSON struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

func orderPartyOut(p commerce.Party) orderPartyJSON {
	return orderPartyJSON{ID: p.ID, Handle: p.Handle, Name: p.Name}
}

func moneyPtrOut(m *commerce.Money) *moneyJSON {
	if m == nil {
		return nil
	}
	out := moneyOut(*m)
	return &out
}

type cartLineJSON struct {
	WorkID        string    `json:"work_id"`
	Title         string    `json:"title"`
	URL           string    `json:"url"`
	Image         string    `json:"image"`
	Option        string    `json:"option"` // the option's id, "" for none
	OptionName    string    `json:"option_name"`
	Quantity      int       `json:"quantity"`
	UnitPrice     moneyJSON `json:"unit_price"`
	UnitPriceSeen moneyJSON `json:"unit_price_seen"`
	LineTotal     moneyJSON `json:"line_total"`
	Available     bool      `json:"available"`
	PriceChanged  bool      `json:"price_changed"`
}

func cartLineOut(l commerce.CartViewLine) cartLineJSON {
	return cartLineJSON{WorkID: l.WorkID, Title: l.Title, URL: l.URL, Image: l.Image, Option: l.OptionID,
		OptionName: l.OptionName, Quantity: l.Quantity, UnitPrice: moneyOut(l.UnitPrice),
		UnitPriceSeen: moneyOut(l.UnitPriceSeen), LineTotal: moneyOut(l.LineTotal), Available: l.Available,
		PriceChanged: l.PriceChanged}
}

// cartGroupJSON is one maker's part of the cart: what one order would be.
type cartGroupJSON struct {
	Maker    orderPartyJSON `json:"maker"`
	Lines    []cartLineJSON `json:"lines"`
	Subtotal moneyJSON      `json:"subtotal"`
	// Shipping is null until it is known; shipping_problem says why.
	Shipping        *moneyJSON `json:"shipping"`
	ShippingProblem string     `json:"shipping_problem,omitempty"`
	Total           moneyJSON  `json:"total"`
	PaymentMethods  []string   `json:"payment_methods"`
}

func cartGroupOut(g commerce.CartGroup) cartGroupJSON {
	return cartGroupJSON{Maker: orderPartyOut(g.Maker), Lines: listOut(nonNil(g.Lines), cartLineOut),
		Subtotal: moneyOut(g.Subtotal), Shipping: moneyPtrOut(g.Shipping), ShippingProblem: g.ShippingProblem,
		Total: moneyOut(g.Total), PaymentMethods: nonNil(g.Methods)}
}

type cartJSON struct {
	Groups []cartGroupJSON `json:"groups"`
	// Total is the cart's total, null when empty; Totals has one per
	// currency when makers sell in several (each then checks out alone).
	Total   *moneyJSON  `json:"total"`
	Totals  []moneyJSON `json:"totals"`
	Count   int         `json:"count"`
	Country string      `json:"country"`
}

func cartOut(v *commerce.CartView) cartJSON {
	out := cartJSON{Groups: listOut(nonNil(v.Groups), cartGroupOut), Totals: listOut(nonNil(v.Totals), moneyOut),
		Count: v.Count, Country: v.Country}
	if len(out.Totals) > 0 {
		out.Total = &out.Totals[0]
	}
	return out
}

type cartResponse struct {
	Cart cartJSON `json:"cart"`
}

type cartItemInputJSON struct {
	Quantity int    `json:"quantity"`
	Option   string `json:"option"`
}

type checkoutInputJSON struct {
	AddressID     string     `json:"address_id"`
	PaymentMethod string     `json:"payment_method"`
	Note          string     `json:"note"`
	ExpectedTotal *moneyJSON `json:"expected_total"`
	// MakerID checks out only that maker's lines; "" the whole cart.
	MakerID string `json:"maker_id"`
}

func (in checkoutInputJSON) input(key string) commerce.CheckoutInput {
	return commerce.CheckoutInput{Key: key, AddressID: in.AddressID, PaymentMethod: in.PaymentMethod, Note: in.Note,
		Maker: in.MakerID, ExpectedTotal: optionalMoney(in.ExpectedTotal)}
}

type orderSummaryJSON struct {
	ID     string         `json:"id"`
	Number string         `json:"number"`
	Maker  orderPartyJSON `json:"maker"`
	Total  moneyJSON      `json:"total"`
	Status string         `json:"status"`
}

func orderSummaryOut(o commerce.OrderSummary) orderSummaryJSON {
	return orderSummaryJSON{ID: o.ID, Number: o.Number, Maker: orderPartyOut(o.Maker), Total: moneyOut(o.Total), Status: o.Status}
}

// checkoutPaymentJSON is what the buyer needs to pay: a card form
// confirms with client_secret; offline instructions are on each order.
type checkoutPaymentJSON struct {
	ID           string    `json:"id"`
	Method       string    `json:"method"`
	Status       string    `json:"status"`
	Amount       moneyJSON `json:"amount"`
	ClientSecret string    `json:"client_secret,omitempty"`
}

func checkoutPaymentOut(p commerce.PaymentView) checkoutPaymentJSON {
	return checkoutPaymentJSON{ID: p.ID, Method: p.Method, Status: p.Status, Amount: moneyOut(p.Amount), ClientSecret: p.ClientSecret}
}

type checkoutJSON struct {
	Orders  []orderSummaryJSON  `json:"orders"`
	Payment checkoutPaymentJSON `json:"payment"`
}

func checkoutOut(r *commerce.CheckoutResult) checkoutJSON {
	return checkoutJSON{Orders: listOut(nonNil(r.Orders), orderSummaryOut), Payment: checkoutPaymentOut(r.Payment)}
}

// orderCardJSON is an order as lists show it.
type orderCardJSON struct {
	ID            string         `json:"id"`
	Number        string         `json:"number"`
	Status        string         `json:"status"`
	PaymentStatus string         `json:"payment_status"`
	PaymentMethod string         `json:"payment_method"`
	Buyer         orderPartyJSON `json:"buyer"`
	Maker         orderPartyJSON `json:"maker"`
	Titles        []string       `json:"titles"`
	Image         string         `json:"image"`
	Total         moneyJSON      `json:"total"`
	CreatedAt     time.Time      `json:"created_at"`
	ExpiresAt     *time.Time     `json:"expires_at"`
	ShippedAt     *time.Time     `json:"shipped_at"`
}

func orderCardOut(o commerce.OrderCard) orderCardJSON {
	return orderCardJSON{ID: o.ID, Number: o.Number, Status: o.Status, PaymentStatus: o.PaymentStatus,
		PaymentMethod: o.PaymentMethod, Buyer: orderPartyOut(o.Buyer), Maker: orderPartyOut(o.Maker),
		Titles: nonNil(o.Titles), Image: o.Image, Total: moneyOut(o.Total), CreatedAt: o.CreatedAt,
		ExpiresAt: o.ExpiresAt, ShippedAt: o.ShippedAt}
}

// orderPageJSON is a page of orders with how many each tab of the order
// desk holds (to_pay, to_ship, shipped, after_sales, completed, cancelled).
type orderPageJSON struct {
	Items      []orderCardJSON `json:"items"`
	NextCursor *string         `json:"next_cursor"`
	Total      int             `json:"total"`
	Counts     map[string]int  `json:"counts"`
}

func orderPageOut(p *commerce.OrderPage) orderPageJSON {
	return orderPageJSON{Items: listOut(nonNil(p.Items), orderCardOut), NextCursor: p.NextCursor, Total: p.Total, Counts: p.Counts}
}

type orderLineJSON struct {
	WorkID      string    `json:"work_id"`
	Title       string    `json:"title"`
	Option      string    `json:"option"`
	OptionName  string    `json:"option_name"`
	UnitPrice   moneyJSON `json:"unit_price"`
	Quantity    int       `json:"quantity"`
	LineTotal   moneyJSON `json:"line_total"`
	Image       string    `json:"image"`
	MadeToOrder bool      `json:"made_to_order"`
}

func orderLineOut(l commerce.OrderLine) orderLineJSON {
	return orderLineJSON{WorkID: l.WorkID, Title: l.Title, Option: l.OptionID, OptionName: l.OptionName,
		UnitPrice: moneyOut(l.UnitPrice), Quantity: l.Quantity, LineTotal: moneyOut(l.LineTotal), Image: l.Image,
		MadeToOrder: l.MadeToOrder}
}

type orderAmountsJSON struct {
	Subtotal moneyJSON `json:"subtotal"`
	Shipping moneyJSON `json:"shipping"`
	Total    moneyJSON `json:"total"`
}

type orderPaymentJSON struct {
	Method       string `json:"method"`
	Status       string `json:"status"`
	Instructions string `json:"instructions"`
	QRURL        string `json:"qr_url"`
	Reference    string `json:"reference"`
}

type orderShipmentJSON struct {
	Carrier        string     `json:"carrier"`
	TrackingNumber string     `json:"tracking_number"`
	ShippedAt      *time.Time `json:"shipped_at"`
}

type orderActorJSON struct {
	ID     string `json:"id"` // "" for the platform
	Handle string `json:"handle"`
	Party  string `json:"party"` // buyer, maker, admin or system
}

type orderEventJSON struct {
	At     time.Time      `json:"at"`
	Action string         `json:"action"`
	From   string         `json:"from"`
	To     string         `json:"to"`
	By     orderActorJSON `json:"by"`
	Note   string         `json:"note,omitempty"`
}

func orderEventOut(e commerce.HistoryEntry) orderEventJSON {
	return orderEventJSON{At: e.At, Action: e.Action, From: e.From, To: e.To, Note: e.Note,
		By: orderActorJSON{ID: e.By.ID, Handle: e.By.Handle, Party: e.By.Party}}
}

type orderJSON struct {
	ID               string            `json:"id"`
	Number           string            `json:"number"`
	URL              string            `json:"url"`
	Status           string            `json:"status"`
	Buyer            orderPartyJSON    `json:"buyer"`
	Maker            orderPartyJSON    `json:"maker"`
	Lines            []orderLineJSON   `json:"lines"`
	Amounts          orderAmountsJSON  `json:"amounts"`
	ShippingAddress  addressJSON       `json:"shipping_address"`
	Note             string            `json:"note"`
	Payment          orderPaymentJSON  `json:"payment"`
	Shipment         orderShipmentJSON `json:"shipment"`
	History          []orderEventJSON  `json:"history"`
	CancelReason     string            `json:"cancel_reason,omitempty"`
	ExpiresAt        *time.Time        `json:"expires_at"`
	PaidAt           *time.Time        `json:"paid_at"`
	DeliveredAt      *time.Time        `json:"delivered_at"`
	ProtectionEndsAt *time.Time        `json:"protection_ends_at"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

func orderOut(o *commerce.Order) orderJSON {
	a, p, sh := o.Amounts, o.Payment, o.Shipment
	return orderJSON{ID: o.ID, Number: o.Number, URL: o.Path(), Status: o.Status, Buyer: orderPartyOut(o.Buyer),
		Maker: orderPartyOut(o.Maker), Lines: listOut(nonNil(o.Lines), orderLineOut),
		Amounts:         orderAmountsJSON{Subtotal: moneyOut(a.Subtotal), Shipping: moneyOut(a.Shipping), Total: moneyOut(a.Total)},
		ShippingAddress: addressOut(o.ShippingAddress), Note: o.Note,
		Payment: orderPaymentJSON{Method: p.Method, Status: p.Status, Instructions: p.Instructions, QRURL: p.QRURL,
			Reference: p.Reference},
		Shipment:     orderShipmentJSON{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, ShippedAt: sh.ShippedAt},
		History:      listOut(o.Timeline(), orderEventOut),
		CancelReason: o.CancelReason, ExpiresAt: o.ExpiresAt, PaidAt: o.PaidAt, DeliveredAt: o.DeliveredAt,
		ProtectionEndsAt: o.ProtectionEndsAt, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

type orderResponse struct {
	Order orderJSON `json:"order"`
}

// orderActionInputJSON is what an action takes: paid a reference, ship a
// carrier and tracking number, cancel a reason; received none.
type orderActionInputJSON struct {
	Reference      string `json:"reference"`
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
	Reason         string `json:"reason"`
}

func (in orderActionInputJSON) input() commerce.ActInput {
	return commerce.ActInput{Reference: in.Reference, Carrier: in.Carrier, TrackingNumber: in.TrackingNumber, Reason: in.Reason}
}
