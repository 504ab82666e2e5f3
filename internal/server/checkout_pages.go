package server

import (
	"crypto/rand"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/payment"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

type checkoutPage struct {
	fieldsPage
	Cart      *commerce.CartView
	Addresses []commerce.Address
	Address   commerce.AddressInput // the new-address form as entered
	AddressID string                // the address chosen
	Methods   []string              // the payment methods every maker in the cart takes
	Method    string
	Note      string
	// Key is this render's Idempotency-Key: a double submit of the page
	// makes one checkout, and a page shown again after a refusal gets a
	// new one (its body differs).
	Key      string
	Expected *work.Money // the total the buyer sees, confirmed on submit
	Notice   string      // why the page is shown again, a message key
	Short    string      // the works that ran out, for out_of_stock
}

type checkoutForm struct {
	AddressID, Method, Note string
}

// AddressField is one input of the new-address form.
func (p *checkoutPage) AddressField(name, value, autocomplete string) formField {
	f := formField{Name: name, Type: "text", Value: value, Autocomplete: autocomplete, Required: name == "name" || name == "country" || name == "city" || name == "line1",
		Label: p.T("buy_field_" + name)}
	if key, ok := p.Errors[name]; ok {
		f.Error = p.T(key)
	}
	return f
}

// checkoutPage shows the cart with shipping to the chosen address, the
// address book (and a form to add one), the payment methods and a note.
func (s *Server) checkoutPage(c echo.Context) error {
	p, err := s.checkoutView(c, checkoutForm{AddressID: c.QueryParam("address")})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "checkout", p)
}

func (s *Server) checkoutView(c echo.Context, f checkoutForm) (*checkoutPage, error) {
	ctx, u := c.Request().Context(), currentUser(c)
	book, err := s.commerce.Addresses(ctx, u)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(book, func(a commerce.Address) bool { return a.ID == f.AddressID }) {
		f.AddressID = ""
		if len(book) > 0 {
			f.AddressID = book[0].ID
		}
	}
	v, err := s.commerce.Cart(ctx, u, f.AddressID)
	if err != nil {
		return nil, err
	}
	p := &checkoutPage{fieldsPage: fieldsPage{Page: s.page(c, "buy_checkout_title")}, Addresses: book, Cart: v,
		AddressID: f.AddressID, Note: f.Note, Key: rand.Text(), Methods: s.methodsFor(v)}
	p.CartCount = v.Count
	if len(v.Totals) == 1 {
		p.Expected = &v.Totals[0]
	}
	p.Method = f.Method
	if !slices.Contains(p.Methods, p.Method) && len(p.Methods) > 0 {
		p.Method = p.Methods[0]
	}
	return p, nil
}

// methodsFor lists the methods every maker in the cart takes; card only
// where this Guildhall has a card processor.
func (s *Server) methodsFor(v *commerce.CartView) []string {
	var out []string
	for _, m := range []string{payment.MethodOffline, payment.MethodStripe} {
		if m == payment.MethodStripe && !s.commerce.CardConfigured() {
			continue
		}
		all := len(v.Groups) > 0
		for _, g := range v.Groups {
			all = all && slices.Contains(g.Methods, m)
		}
		if all {
			out = append(out, m)
		}
	}
	return out
}

// checkoutSubmit buys the cart; a refusal the buyer can act on (a price
// that changed, a work that ran out, a field) shows the page again, with
// today's total and a new key.
func (s *Server) checkoutSubmit(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	f := checkoutForm{AddressID: c.FormValue("address_id"), Method: c.FormValue("payment_method"), Note: c.FormValue("note")}
	in := commerce.CheckoutInput{Key: c.FormValue("idempotency_key"), AddressID: f.AddressID, PaymentMethod: f.Method, Note: f.Note}
	if a := c.FormValue("expected_amount"); a != "" {
		amount, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return problem.InvalidField("expected_total", "out_of_range")
		}
		in.ExpectedTotal = &work.Money{Amount: amount, Currency: c.FormValue("expected_currency")}
	}
	res, err := s.commerce.Checkout(ctx, u, in)
	if err != nil {
		refused, ok := problem.As(err)
		if !ok || (refused.Kind != problem.KindInvalid && refused.Kind != problem.KindConflict) {
			return err
		}
		p, verr := s.checkoutView(c, f)
		if verr != nil {
			return verr
		}
		p.Notice, p.Errors = refused.Message, refused.Fields
		if ids, ok := refused.Data["work_ids"].([]string); ok {
			p.Short = titlesOf(p.Cart, ids)
		}
		return s.render(c, statusOf[refused.Kind], "checkout", p)
	}
	if len(res.Orders) == 1 {
		return c.Redirect(http.StatusSeeOther, "/orders/"+res.Orders[0].ID)
	}
	return c.Redirect(http.StatusSeeOther, "/orders")
}

// titlesOf names the cart's works among ids.
func titlesOf(v *commerce.CartView, ids []string) string {
	var out []string
	for _, g := range v.Groups {
		for _, l := range g.Lines {
			if slices.Contains(ids, l.WorkID) && !slices.Contains(out, l.Title) {
				out = append(out, l.Title)
			}
		}
	}
	return strings.Join(out, ", ")
}

func addressForm(c echo.Context) commerce.AddressInput {
	return commerce.AddressInput{Name: c.FormValue("name"), Phone: c.FormValue("phone"), Country: c.FormValue("country"),
		Region: c.FormValue("region"), City: c.FormValue("city"), Line1: c.FormValue("line1"), Line2: c.FormValue("line2"),
		PostalCode: c.FormValue("postal_code")}
}

// addAddressSubmit adds an address from the checkout and goes back to it
// with the new address chosen; a refused field is shown in place.
func (s *Server) addAddressSubmit(c echo.Context) error {
	ctx, u, in := c.Request().Context(), currentUser(c), addressForm(c)
	a, err := s.commerce.AddAddress(ctx, u, in)
	if err != nil {
		p, verr := s.checkoutView(c, checkoutForm{})
		if verr != nil {
			return verr
		}
		p.Address = in
		return s.formFailed(c, err, "checkout", p)
	}
	return c.Redirect(http.StatusSeeOther, "/checkout?address="+a.ID)
}
