package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

type ordersPage struct {
	Page
	*commerce.OrderPage
}

// ordersPage is the buyer's orders, newest first.
func (s *Server) ordersPage(c echo.Context) error {
	res, err := s.commerce.Orders(c.Request().Context(), currentUser(c),
		commerce.OrderQuery{Role: commerce.RoleBuyer, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "orders", &ordersPage{Page: s.page(c, "buy_orders_title"), OrderPage: res})
}

// NextPage is the link to the next page of the list.
func (p *ordersPage) NextPage() string {
	if p.NextCursor == nil {
		return ""
	}
	return "/orders?" + url.Values{"cursor": {*p.NextCursor}}.Encode()
}

type orderPage struct {
	Page
	*commerce.Order
	Actions []string // what this viewer may do now, as forms
	IsBuyer bool
	Error   string // why the last action was refused, a message key
}

func (s *Server) orderPage(c echo.Context) error {
	p, err := s.orderView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "order", p)
}

// orderView reads the order: a 404 to anyone not its buyer, its maker or
// an admin.
func (s *Server) orderView(c echo.Context) (*orderPage, error) {
	u := currentUser(c)
	o, err := s.commerce.Order(c.Request().Context(), u, c.Param("id"))
	if err != nil {
		return nil, err
	}
	return &orderPage{Page: s.page(c, "buy_order_title"), Order: o, Actions: commerce.ActionsFor(u, o),
		IsBuyer: u.ID == o.Buyer.ID}, nil
}

// orderActionSubmit takes one action on the order; a refusal the viewer
// can act on (a missing field, a status that moved on) is shown on the
// order's page.
func (s *Server) orderActionSubmit(c echo.Context) error {
	ctx, u, id := c.Request().Context(), currentUser(c), c.Param("id")
	in := commerce.ActInput{Reference: c.FormValue("reference"), Carrier: c.FormValue("carrier"),
		TrackingNumber: c.FormValue("tracking_number"), Reason: c.FormValue("reason")}
	_, err := s.commerce.Act(ctx, u, id, c.Param("action"), in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/orders/"+id)
	}
	refused, ok := problem.As(err)
	if !ok || (refused.Kind != problem.KindInvalid && refused.Kind != problem.KindConflict) {
		return err
	}
	p, verr := s.orderView(c)
	if verr != nil {
		return verr
	}
	p.Error = refused.Message
	for _, m := range refused.Fields {
		if m != refused.Message && s.catalog.Has(m) {
			p.Error = m // the field's own reason says more ("required", "too_long")
		}
	}
	return s.render(c, statusOf[refused.Kind], "order", p)
}

// Can reports whether the viewer may take action now.
func (p *orderPage) Can(action string) bool { return slices.Contains(p.Actions, action) }

// buttonActions need nothing but a click; the others ask for a reference,
// a shipment or a reason in forms of their own.
var buttonActions = []string{commerce.ActionConfirmPayment, commerce.ActionReceived, commerce.ActionRefundReceived}

// Buttons are the viewer's actions now that are a single button.
func (p *orderPage) Buttons() []string {
	var out []string
	for _, a := range buttonActions {
		if p.Can(a) {
			out = append(out, a)
		}
	}
	return out
}

// ActionLabel is an action's name for people (timeline and buttons).
func (p *Page) ActionLabel(action string) string {
	return p.T("buy_action_" + strings.ReplaceAll(action, "-", "_"))
}

// NoteText shows a timeline note: a reason given in words, or the key of
// what the platform did.
func (p *Page) NoteText(note string) string {
	if p.catalog.Has(note) {
		return p.T(note)
	}
	return note
}
