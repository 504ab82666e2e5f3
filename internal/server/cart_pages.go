package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

type cartPage struct {
	Page
	Cart *commerce.CartView
}

// cartPage shows the signed-in cart (shipping to the first address) or the
// visitor's cookie (shipping unknown until an address is chosen).
func (s *Server) cartPage(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	var v *commerce.CartView
	var err error
	if u != nil {
		v, err = s.commerce.Cart(ctx, u, "")
	} else {
		v, err = s.commerce.ViewLines(ctx, visitorCart(c), "")
	}
	if err != nil {
		return err
	}
	p := &cartPage{Page: s.page(c, "buy_cart_title"), Cart: v}
	p.CartCount = v.Count // the count as the cart reads now, not as the header last knew it
	return s.render(c, http.StatusOK, "cart", p)
}

// ShippingText is a cart group's shipping as the cart and checkout show it.
func (p *Page) ShippingText(g commerce.CartGroup) string {
	if g.Shipping != nil {
		if g.Shipping.Amount == 0 {
			return p.T("buy_free_shipping")
		}
		return p.Money(*g.Shipping)
	}
	if g.ShippingProblem != "" {
		return p.T(g.ShippingProblem)
	}
	return "—"
}

// cartItemSubmit puts a quantity of a work (in an option) in the cart, from
// the work page and from the cart's own quantity forms alike.
func (s *Server) cartItemSubmit(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	workID, optionID := c.FormValue("work_id"), c.FormValue("option_id")
	q, err := strconv.Atoi(c.FormValue("quantity"))
	if err != nil {
		return problem.InvalidField("quantity", "out_of_range")
	}
	if u != nil {
		err = s.commerce.SetCartItem(ctx, u, workID, optionID, q)
	} else {
		var l commerce.CartLine
		if l, err = s.commerce.CartLineFor(ctx, nil, workID, optionID, q); err == nil {
			err = s.putVisitorLine(c, l, false)
		}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back(c, "/cart"))
}

// cartRemoveSubmit takes a line out of the cart.
func (s *Server) cartRemoveSubmit(c echo.Context) error {
	workID, optionID := c.FormValue("work_id"), c.FormValue("option_id")
	if u := currentUser(c); u != nil {
		if err := s.commerce.RemoveCartItem(c.Request().Context(), u, workID, optionID); err != nil {
			return err
		}
	} else if err := s.putVisitorLine(c, commerce.CartLine{WorkID: workID, OptionID: optionID}, true); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cart")
}
