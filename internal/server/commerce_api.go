package server

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

// The buyer's side of commerce: the address book, the cart, checkout and
// orders. The maker's shop settings and order desk live elsewhere.

func (s *Server) apiAddresses(c echo.Context) error {
	book, err := s.commerce.Addresses(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, addressesOut(book))
}

func (s *Server) apiAddAddress(c echo.Context) error {
	var in addressInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.commerce.AddAddress(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, addressResponse{Address: addressOut(*a)})
}

func (s *Server) apiDeleteAddress(c echo.Context) error {
	if err := s.commerce.DeleteAddress(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiCart shows the cart with shipping to ?address_id (the first address
// in the book without it).
func (s *Server) apiCart(c echo.Context) error {
	v, err := s.commerce.Cart(c.Request().Context(), currentUser(c), c.QueryParam("address_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cartResponse{Cart: cartOut(v)})
}

func (s *Server) apiPutCartItem(c echo.Context) error {
	var in cartItemInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.commerce.PutCartItem(c.Request().Context(), currentUser(c), c.Param("work_id"), in.Option, in.Quantity)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cartResponse{Cart: cartOut(v)})
}

// apiRemoveCartItem takes the work out, in the option ?option names.
func (s *Server) apiRemoveCartItem(c echo.Context) error {
	err := s.commerce.RemoveCartItem(c.Request().Context(), currentUser(c), c.Param("work_id"), c.QueryParam("option"))
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// replayedHeader marks an answer given again to a repeated Idempotency-Key.
const replayedHeader = "Idempotent-Replayed"

// apiCheckout buys the cart. A repeat with the same key and body is
// answered the first answer again, a refusal as much as a success, and
// says so in replayedHeader.
func (s *Server) apiCheckout(c echo.Context) error {
	var in checkoutInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.commerce.Checkout(c.Request().Context(), currentUser(c), in.input(c.Request().Header.Get("Idempotency-Key")))
	if (err == nil && r.Replayed) || commerce.IsReplayed(err) {
		c.Response().Header().Set(replayedHeader, "true")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, checkoutOut(r))
}

func (s *Server) apiOrders(c echo.Context) error {
	page, err := listQuery(c)
	if err != nil {
		return err
	}
	q := commerce.OrderQuery{Role: c.QueryParam("role"), Status: c.QueryParam("status"), Q: c.QueryParam("q"),
		Cursor: page.Cursor, Limit: page.Limit}
	p, err := s.commerce.Orders(c.Request().Context(), currentUser(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, orderPageOut(p))
}

func (s *Server) apiOrder(c echo.Context) error {
	o, err := s.commerce.Order(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, orderResponse{Order: orderOut(o)})
}

// apiOrderAction takes one of the actions people take; the platform's own
// (payment events, expiry, completion) are not reachable from here.
func (s *Server) apiOrderAction(c echo.Context) error {
	action := c.Param("action")
	if !slices.Contains(commerce.ActionsPeopleTake, action) {
		return problem.InvalidField("action", "action_unknown")
	}
	var in orderActionInputJSON
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	o, err := s.commerce.Act(c.Request().Context(), currentUser(c), c.Param("id"), action, in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, orderResponse{Order: orderOut(o)})
}
