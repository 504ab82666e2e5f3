package commerce

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// OrdersSchema declares the private orders index. It holds no address,
// phone or note; every query is filtered by the caller's id as buyer or
// maker (admins may list all), in Orders and nowhere else.
var OrdersSchema = search.Schema{
	Kind:       OrdersKind,
	Searchable: []string{"number", "titles", "buyer_handle", "buyer_name"},
	Filterable: []string{"buyer_id", "maker_id", "status", "payment_status", "payment_method", "work_ids",
		"created_at", "expires_at", "shipped_at", "protection_ends_at"},
	Sortable:     []string{"created_at", "updated_at"},
	RankingRules: []string{"sort", "words", "typo", "proximity", "attribute", "exactness"},
}

func projectOrder(raw bson.Raw) (search.Document, bool, error) {
	var o Order
	if err := bson.Unmarshal(raw, &o); err != nil {
		return nil, false, err
	}
	return o.searchDocument(), true, nil
}

// seconds is a time for the index; 0 when there is none, so ranges from 1
// leave such orders out.
func seconds(t *time.Time) float64 {
	if t == nil {
		return 0
	}
	return search.Seconds(*t)
}

func (o *Order) searchDocument() search.Document {
	titles, works := make([]string, 0, len(o.Lines)), make([]string, 0, len(o.Lines))
	for _, l := range o.Lines {
		titles = append(titles, l.Title)
		if !slices.Contains(works, l.WorkID) {
			works = append(works, l.WorkID)
		}
	}
	image := ""
	if len(o.Lines) > 0 {
		image = o.Lines[0].Image
	}
	return search.Document{
		"id": o.ID, "number": o.Number, "status": o.Status, "payment_status": o.Payment.Status,
		"payment_method": o.Payment.Method,
		"buyer_id":       o.Buyer.ID, "buyer_handle": o.Buyer.Handle, "buyer_name": o.Buyer.Name,
		"maker_id": o.Maker.ID, "maker_handle": o.Maker.Handle, "maker_name": o.Maker.Name,
		"work_ids": works, "titles": titles, "image": image, "items": len(o.Lines),
		"total": o.Amounts.Total.Amount, "currency": o.Currency,
		"created_at": search.Seconds(o.CreatedAt), "updated_at": search.Seconds(o.UpdatedAt),
		"expires_at": seconds(o.ExpiresAt), "shipped_at": seconds(o.Shipment.ShippedAt),
		"protection_ends_at": seconds(o.ProtectionEndsAt),
	}
}

// Roles a list of orders is seen in.
const (
	RoleBuyer = "buyer"
	RoleMaker = "maker"
	RoleAdmin = "admin" // every order; admins only
)

// Tabs of the maker's order desk, each a set of statuses.
var Tabs = []struct {
	Name     string
	Statuses []string
}{
	{"to_pay", []string{StatusPendingPayment}},
	{"to_ship", []string{StatusPaid}},
	{"shipped", []string{StatusShipped}},
	{"after_sales", nil}, // refunds and returns come with the next issue
	{"completed", []string{StatusDelivered, StatusCompleted}},
	{"cancelled", []string{StatusCancelled}},
}

// OrderQuery asks for a page of orders.
type OrderQuery struct {
	Role   string // RoleBuyer (default), RoleMaker, RoleAdmin
	Status string // a status or a tab name; "" for all
	Q      string // order number, buyer, work
	Cursor string
	Limit  int
}

// OrderCard is an order as lists show it, from the index.
type OrderCard struct {
	ID, Number, Status, PaymentStatus, PaymentMethod string
	Buyer, Maker                                     Party
	Titles                                           []string
	Image                                            string
	Total                                            Money
	CreatedAt                                        time.Time
	ExpiresAt, ShippedAt                             *time.Time
}

// OrderPage is a page of orders with the count of each tab.
type OrderPage struct {
	Items      []OrderCard
	NextCursor *string
	Total      int
	Counts     map[string]int // tab name -> orders
}

// Orders lists viewer's orders as buyer or maker (or all, for an admin),
// newest first, with the desk's tab counts: one search, or two when the
// list is narrowed by status or words (the counts are over all of the
// viewer's orders).
func (s *Service) Orders(ctx context.Context, viewer *account.User, q OrderQuery) (*OrderPage, error) {
	f := map[string]string{}
	sq := search.Paging(q.Cursor, q.Limit, f)
	var scope []search.Filter
	switch q.Role {
	case RoleBuyer, "":
		scope = []search.Filter{{Field: "buyer_id", Values: []any{viewer.ID}}}
	case RoleMaker:
		scope = []search.Filter{{Field: "maker_id", Values: []any{viewer.ID}}}
	case RoleAdmin:
		if !viewer.HasRole(account.RoleAdmin) {
			return nil, problem.Forbidden("admins_only")
		}
	default:
		f["role"] = "role_unknown"
	}
	statuses, ok := statusesOf(q.Status)
	if !ok {
		f["status"] = "status_unknown"
	}
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	sq.Text, sq.Sort = q.Q, []search.Sort{{Field: "created_at", Desc: true}}
	sq.Filters = slices.Clone(scope)
	if len(statuses) > 0 {
		sq.Filters = append(sq.Filters, search.Filter{Field: "status", Values: statuses})
	}
	whole := len(sq.Filters) == len(scope) && q.Q == ""
	if whole {
		sq.Facets = []string{"status"}
	}
	res, err := s.index.Search(ctx, OrdersKind, sq)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("list orders: %w", err))
	}
	p := &OrderPage{Items: make([]OrderCard, 0, len(res.Hits)), Total: res.Total,
		NextCursor: search.NextCursor(sq.Offset, sq.Limit, len(res.Hits), res.Total)}
	for _, h := range res.Hits {
		p.Items = append(p.Items, cardOf(h.Document))
	}
	facets := res.Facets
	if !whole {
		all, err := s.index.Search(ctx, OrdersKind, search.Query{Filters: scope, Facets: []string{"status"}, Limit: 1})
		if err != nil {
			return nil, problem.Unavailable("search", fmt.Errorf("count orders: %w", err))
		}
		facets = all.Facets
	}
	p.Counts = map[string]int{}
	for _, t := range Tabs {
		p.Counts[t.Name] = 0
		for _, st := range t.Statuses {
			p.Counts[t.Name] += facets["status"][st]
		}
	}
	return p, nil
}

// statusesOf reads a list's status: a tab, a status, or "" for all.
func statusesOf(status string) ([]any, bool) {
	if status == "" {
		return nil, true
	}
	for _, t := range Tabs {
		if t.Name == status {
			out := make([]any, 0, len(t.Statuses))
			for _, st := range t.Statuses {
				out = append(out, st)
			}
			if len(out) == 0 { // a tab with nothing in it yet
				out = append(out, "none")
			}
			return out, true
		}
	}
	switch status {
	case StatusPendingPayment, StatusPaid, StatusShipped, StatusDelivered, StatusCompleted, StatusCancelled:
		return []any{status}, true
	}
	return nil, false
}

func cardOf(d search.Document) OrderCard {
	str := func(k string) string { v, _ := d[k].(string); return v }
	num := func(k string) float64 { v, _ := search.Number(d[k]); return v }
	when := func(k string) *time.Time {
		if num(k) == 0 {
			return nil
		}
		t := search.Time(num(k))
		return &t
	}
	var titles []string
	if ts, ok := d["titles"].([]any); ok {
		for _, t := range ts {
			if s, ok := t.(string); ok {
				titles = append(titles, s)
			}
		}
	}
	return OrderCard{ID: str("id"), Number: str("number"), Status: str("status"), PaymentStatus: str("payment_status"),
		PaymentMethod: str("payment_method"),
		Buyer:         Party{ID: str("buyer_id"), Handle: str("buyer_handle"), Name: str("buyer_name")},
		Maker:         Party{ID: str("maker_id"), Handle: str("maker_handle"), Name: str("maker_name")},
		Titles:        titles, Image: str("image"), Total: Money{Amount: int64(num("total")), Currency: str("currency")},
		CreatedAt: search.Time(num("created_at")), ExpiresAt: when("expires_at"), ShippedAt: when("shipped_at")}
}

// ToShip counts maker's paid orders waiting to be shipped, for the studio
// navigation's badge: one search, no scan.
func (s *Service) ToShip(ctx context.Context, makerID string) (int, error) {
	res, err := s.index.Search(ctx, OrdersKind, search.Query{Limit: 1, Filters: []search.Filter{
		{Field: "maker_id", Values: []any{makerID}}, {Field: "status", Values: []any{StatusPaid}}}})
	if err != nil {
		return 0, problem.Unavailable("search", fmt.Errorf("count orders to ship: %w", err))
	}
	return res.Total, nil
}

// maxExport bounds one export: the index pages no deeper.
const maxExport = search.MaxOffset

// ExportRows returns maker's orders in status ("" or a tab or a status)
// placed from from to to (zero: open), oldest first, in full: each order
// is read by _id, since addresses, which a packing list needs, are never
// in the index. At most maxExport orders.
func (s *Service) ExportRows(ctx context.Context, maker *account.User, status string, from, to time.Time) ([]*Order, error) {
	if !maker.HasRole(account.RoleMaker) {
		return nil, problem.Forbidden("open_a_studio_first")
	}
	statuses, ok := statusesOf(status)
	if !ok {
		return nil, problem.InvalidField("status", "status_unknown")
	}
	filters := []search.Filter{{Field: "maker_id", Values: []any{maker.ID}}}
	if len(statuses) > 0 {
		filters = append(filters, search.Filter{Field: "status", Values: statuses})
	}
	if !from.IsZero() || !to.IsZero() {
		r := search.Filter{Field: "created_at"}
		if !from.IsZero() {
			v := search.Seconds(from)
			r.Min = &v
		}
		if !to.IsZero() {
			v := search.Seconds(to)
			r.Max = &v
		}
		filters = append(filters, r)
	}
	var out []*Order
	for offset := 0; offset < maxExport; offset += 100 {
		res, err := s.index.Search(ctx, OrdersKind, search.Query{Filters: filters, Offset: offset, Limit: 100,
			Sort: []search.Sort{{Field: "created_at"}}})
		if err != nil {
			return nil, problem.Unavailable("search", fmt.Errorf("export orders: %w", err))
		}
		for _, h := range res.Hits {
			o, err := s.readOrder(ctx, h.ID)
			if problem.KindOf(err) == problem.KindNotFound {
				continue
			}
			if err != nil {
				return nil, err
			}
			if o.Maker.ID == maker.ID { // the document, not the index, decides
				out = append(out, o)
			}
		}
		if len(res.Hits) < 100 {
			break
		}
	}
	return out, nil
}
