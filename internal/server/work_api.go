package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/maker"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

type makerJSON struct {
	ID        string           `json:"id"`
	Handle    string           `json:"handle"`
	Name      string           `json:"name"`
	Story     string           `json:"story"`
	StoryHTML string           `json:"story_html"`
	Location  string           `json:"location"`
	Crafts    []string         `json:"crafts"`
	BannerURL string           `json:"banner_url"`
	AvatarURL string           `json:"avatar_url"`
	Policies  maker.Policies   `json:"policies"`
	Counts    maker.Counts     `json:"counts"`
	Rating    ratingJSON       `json:"rating"`
	Groups    []maker.GroupRef `json:"groups"`
	URL       string           `json:"url"`
	CreatedAt time.Time        `json:"created_at"`
}

type ratingJSON struct {
	Average float64 `json:"average"`
	Count   int     `json:"count"`
}

func makerOut(st *maker.Studio) makerJSON {
	return makerJSON{ID: st.ID, Handle: st.Handle, Name: st.Name, Story: st.Story, StoryHTML: string(st.StoryHTML),
		Location: st.Location, Crafts: nonNil(st.Crafts), BannerURL: st.BannerURL, AvatarURL: st.AvatarURL,
		Policies: st.Policies, Counts: st.Counts, Rating: ratingJSON{Average: st.Rating.Average(), Count: st.Rating.Count},
		Groups: nonNil(st.Groups), URL: "/@" + st.Handle, CreatedAt: st.CreatedAt}
}

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

func listQuery(c echo.Context) (work.ListQuery, error) {
	q := work.ListQuery{Sort: c.QueryParam("sort"), Cursor: c.QueryParam("cursor")}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return q, problem.InvalidField("limit", "out_of_range")
		}
		q.Limit = n
	}
	return q, nil
}

func (s *Server) apiPutStudio(c echo.Context) error {
	var in maker.StudioInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	st, err := s.makers.PutStudio(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]makerJSON{"maker": makerOut(st)})
}

func (s *Server) apiMaker(c echo.Context) error {
	st, err := s.makers.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]makerJSON{"maker": makerOut(st)})
}

func (s *Server) apiMakerWorks(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	st, err := s.makers.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	page, err := s.works.ByMaker(c.Request().Context(), st.ID, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiFollow(c echo.Context) error {
	if err := s.makers.Follow(c.Request().Context(), currentUser(c), c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnfollow(c echo.Context) error {
	if err := s.makers.Unfollow(c.Request().Context(), currentUser(c).ID, c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type mediaJSON struct {
	ID       string            `json:"id"`
	Width    int               `json:"width"`
	Height   int               `json:"height"`
	Variants map[string]string `json:"variants"`
}

func (s *Server) apiUploadMedia(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return problem.InvalidField("file", "required")
	}
	f, err := fh.Open()
	if err != nil {
		return problem.Malformed("The upload could not be read.", "file")
	}
	defer f.Close()
	m, err := s.media.Upload(c.Request().Context(), currentUser(c).ID, f)
	if err != nil {
		return err
	}
	out := mediaJSON{ID: m.ID, Width: m.Width, Height: m.Height, Variants: map[string]string{}}
	for name, v := range m.Variants {
		out.Variants[name] = v.URL
	}
	return c.JSON(http.StatusCreated, out)
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

// serveMedia sends an image: content-addressed keys never change, so it
// may be cached for a year; from S3 it redirects to a signed URL.
func (s *Server) serveMedia(c echo.Context) error {
	f, err := s.media.Fetch(c.Request().Context(), c.Param("*"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if f.Redirect != "" {
		h.Set("Cache-Control", "private, max-age=300")
		return c.Redirect(http.StatusFound, f.Redirect)
	}
	defer f.Body.Close()
	etag := `"` + f.Info.ETag + `"`
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	if match := c.Request().Header.Get("If-None-Match"); match == etag {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set("Content-Length", strconv.FormatInt(f.Info.Size, 10))
	return c.Stream(http.StatusOK, f.Info.ContentType, f.Body)
}

func (s *Server) apiFeed(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	page, err := s.discovery.Feed(c.Request().Context(), currentUser(c), q.Cursor, q.Limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
