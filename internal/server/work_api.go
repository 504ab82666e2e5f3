package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/work"
)

type workJSON struct {
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	Slug            string         `json:"slug"`
	URL             string         `json:"url"`
	Description     string         `json:"description"`
	DescriptionHTML string         `json:"description_html"`
	Price           work.Money     `json:"price"`
	Stock           int            `json:"stock"`
	MadeToOrder     bool           `json:"made_to_order"`
	LeadTimeDays    int            `json:"lead_time_days"`
	InStock         bool           `json:"in_stock"`
	Materials       []string       `json:"materials"`
	Tags            []string       `json:"tags"`
	Category        string         `json:"category"`
	Images          []work.Image   `json:"images"`
	Variants        []work.Variant `json:"variants"`
	Status          string         `json:"status"`
	Maker           work.MakerRef  `json:"maker"`
	Counts          work.Counts    `json:"counts"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	PublishedAt     *time.Time     `json:"published_at"`
}

func workOut(w *work.Work) workJSON {
	return workJSON{ID: w.ID, Title: w.Title, Slug: w.Slug, URL: w.Path(), Description: w.Description,
		DescriptionHTML: string(w.DescriptionHTML), Price: w.Price, Stock: w.Stock, MadeToOrder: w.MadeToOrder,
		LeadTimeDays: w.LeadTimeDays, InStock: w.InStock(), Materials: w.Materials, Tags: w.Tags, Category: w.Category,
		Images: w.Images, Variants: w.Variants, Status: w.Status, Maker: w.Maker, Counts: w.Counts,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt, PublishedAt: w.PublishedAt}
}

func (s *Server) apiCreateWork(c echo.Context) error {
	var in work.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	w, err := s.works.Create(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]workJSON{"work": workOut(w)})
}

func (s *Server) apiWork(c echo.Context) error {
	w, err := s.works.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]workJSON{"work": workOut(w)})
}

func (s *Server) apiUpdateWork(c echo.Context) error {
	var in work.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	w, err := s.works.Update(c.Request().Context(), currentUser(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]workJSON{"work": workOut(w)})
}

func (s *Server) apiDeleteWork(c echo.Context) error {
	if err := s.works.Delete(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMyWorks(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	page, err := s.works.Studio(c.Request().Context(), currentUser(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiFavourite(c echo.Context) error {
	if err := s.works.Favourite(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnfavourite(c echo.Context) error {
	if err := s.works.Unfavourite(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
