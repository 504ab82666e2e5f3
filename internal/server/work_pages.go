package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/work"
)

type workPage struct {
	Page
	*work.WorkView
	ImageURL, CanonicalURL, PriceDecimal, CategoryLabel string
	Saved                                               bool
	// CanBuy shows the cart form: a published work in stock, not the
	// viewer's own. MaxQuantity bounds its quantity.
	CanBuy      bool
	MaxQuantity int
}

func (s *Server) workPage(c echo.Context) error {
	v, err := s.works.WorkPage(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("slug"))
	if err != nil {
		return err
	}
	if v.RedirectTo != "" {
		return c.Redirect(http.StatusMovedPermanently, v.RedirectTo)
	}
	w := v.Work
	p := &workPage{Page: s.page(c, ""), WorkView: v, CanonicalURL: s.cfg.BaseURL + w.Path(), PriceDecimal: decimal(w.Price.Amount),
		Saved: c.QueryParam("saved") == "1", CanBuy: w.Published() && w.InStock() && !v.Own, MaxQuantity: commerce.MaxQuantity}
	if !w.MadeToOrder {
		p.MaxQuantity = min(w.Stock, commerce.MaxQuantity)
	}
	p.RawTitle = w.Title
	if img, ok := w.Cover(); ok {
		p.ImageURL = s.cfg.BaseURL + img.Large
	}
	if cat, ok := work.CategoryByID(w.Category); ok {
		p.CategoryLabel = cat.Label(p.Lang)
	}
	return s.render(c, http.StatusOK, "work", p)
}

func (s *Server) workShortLink(c echo.Context) error {
	w, err := s.works.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	to := w.Path()
	if q := c.QueryString(); q != "" {
		to += "?" + q
	}
	return c.Redirect(http.StatusMovedPermanently, to)
}

// favouriteSubmit is the favourite button without JavaScript.
func (s *Server) favouriteSubmit(c echo.Context) error {
	ctx, id, u := c.Request().Context(), c.Param("id"), currentUser(c)
	var err error
	if c.FormValue("on") == "0" {
		err = s.works.Unfavourite(ctx, u, id)
	} else {
		err = s.works.Favourite(ctx, u, id)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/works/"+id)
}
