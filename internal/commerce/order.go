package commerce

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Order statuses.
const (
	StatusPendingPayment = "pending_payment"
	StatusPaid           = "paid"
	StatusShipped        = "shipped"
	StatusDelivered      = "delivered"
	StatusCompleted      = "completed"
	StatusCancelled      = "cancelled"
)

// Statuses of an order's payment.
const (
	PayAwaiting      = "awaiting"  // offline: the buyer has yet to pay
	PayPending       = "pending"   // card: the buyer has yet to confirm the card
	PayReported      = "reported"  // offline: the buyer says they paid, with a reference
	PaySucceeded     = "succeeded" // the money is collected
	PayCanceled      = "canceled"  // never paid, the order was cancelled
	PayRefundPending = "refund_pending"
	PayRefunded      = "refunded"
)

// Party is a buyer or a maker as an order shows them.
type Party struct {
	ID     string `bson:"id"`
	Handle string `bson:"handle"`
	Name   string `bson:"name"`
}

// OrderLine is a snapshot of what was bought, as it was at checkout.
type OrderLine struct {
	WorkID      string `bson:"work_id"`
	Title       string `bson:"title"`
	OptionID    string `bson:"option_id"`
	OptionName  string `bson:"option_name"`
	UnitPrice   Money  `bson:"unit_price"`
	Quantity    int    `bson:"quantity"`
	LineTotal   Money  `bson:"line_total"`
	Image       string `bson:"image"`
	MadeToOrder bool   `bson:"made_to_order"` // took no stock
}

// Amounts of an order, all in its one currency.
type Amounts struct {
	Subtotal Money `bson:"subtotal"`
	Shipping Money `bson:"shipping"`
	Total    Money `bson:"total"`
}

// OrderPayment is how an order is paid.
type OrderPayment struct {
	ID     string `bson:"id"` // the checkout's payment (payments._id)
	Method string `bson:"method"`
	Status string `bson:"status"`
	// Offline: the maker's instructions and QR code as they were at
	// checkout, and the reference the buyer reported.
	Instructions string `bson:"instructions,omitempty"`
	QRURL        string `bson:"qr_url,omitempty"`
	Reference    string `bson:"reference,omitempty"`
	RefundRef    string `bson:"refund_ref,omitempty"`
}

// Shipment is how the order travels.
type Shipment struct {
	Carrier        string     `bson:"carrier"`
	TrackingNumber string     `bson:"tracking_number"`
	ShippedAt      *time.Time `bson:"shipped_at,omitempty"`
}

// Actor is who made a transition.
type Actor struct {
	ID     string `bson:"id"` // "" for the system
	Handle string `bson:"handle"`
	Party  string `bson:"party"` // PartyBuyer, PartyMaker, PartyAdmin, PartySystem
}

// HistoryEntry is one applied event, as the order's timeline shows it.
type HistoryEntry struct {
	N      int       `bson:"n"`
	At     time.Time `bson:"at"`
	By     Actor     `bson:"by"`
	Action string    `bson:"action"`
	From   string    `bson:"from"`
	To     string    `bson:"to"`
	Note   string    `bson:"note,omitempty"` // a reason or a key of what happened
}

// Order is what one maker sells one buyer in one checkout.
type Order struct {
	ID              string       `bson:"_id"`
	Number          string       `bson:"number"`
	CheckoutID      string       `bson:"checkout_id"`
	Buyer           Party        `bson:"buyer"`
	Maker           Party        `bson:"maker"`
	Lines           []OrderLine  `bson:"lines"`
	Currency        string       `bson:"currency"`
	Amounts         Amounts      `bson:"amounts"`
	ShippingAddress Address      `bson:"shipping_address"`
	Note            string       `bson:"note"`
	Payment         OrderPayment `bson:"payment"`
	Shipment        Shipment     `bson:"shipment"`
	Status          string       `bson:"status"`
	// Version is the number of the last event applied.
	Version int `bson:"version"`
	// History holds the applied events keyed "e<n>", so applying an event
	// twice writes the same key twice (FerretDB ignores $push's modifiers,
	// and a map needs none).
	History map[string]HistoryEntry `bson:"history"`
	// HoldKey names this order's hold on its works' stock: the order id,
	// or a new key when a late payment re-opened it (see payments.go).
	HoldKey          string     `bson:"hold_key"`
	CancelReason     string     `bson:"cancel_reason,omitempty"`
	ExpiresAt        *time.Time `bson:"expires_at"`
	PaidAt           *time.Time `bson:"paid_at,omitempty"`
	DeliveredAt      *time.Time `bson:"delivered_at,omitempty"`
	ProtectionEndsAt *time.Time `bson:"protection_ends_at,omitempty"`
	CreatedAt        time.Time  `bson:"created_at"`
	UpdatedAt        time.Time  `bson:"updated_at"`
}

// Timeline is the history in order.
func (o *Order) Timeline() []HistoryEntry {
	out := make([]HistoryEntry, 0, len(o.History))
	for _, e := range o.History {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}

// Path is the order's page.
func (o *Order) Path() string { return "/orders/" + o.ID }

func (s *Service) readOrder(ctx context.Context, id string) (*Order, error) {
	var o Order
	if err := s.orders.FindOne(ctx, bson.M{"_id": id}).Decode(&o); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("order")
		}
		return nil, mongodb.Classify("read order "+id, err)
	}
	return &o, nil
}

// Order returns the order id as viewer may see it: its buyer, its maker
// and admins; anyone else is told it does not exist. One read by _id.
func (s *Service) Order(ctx context.Context, viewer *account.User, id string) (*Order, error) {
	o, err := s.readOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(partiesOf(viewer, o)) == 0 {
		return nil, problem.NotFound("order")
	}
	return o, nil
}

// partiesOf lists what viewer is to o, most specific first.
func partiesOf(viewer *account.User, o *Order) []string {
	if viewer == nil {
		return nil
	}
	var out []string
	if viewer.ID == o.Buyer.ID {
		out = append(out, PartyBuyer)
	}
	if viewer.ID == o.Maker.ID {
		out = append(out, PartyMaker)
	}
	if viewer.HasRole(account.RoleAdmin) {
		out = append(out, PartyAdmin)
	}
	return out
}
