package server

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/curation"
	"guildhall/internal/discovery"
	"guildhall/internal/maker"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Money formats an amount in minor units for people: ¥129.00.
func (p *Page) Money(m work.Money) string { return money(m) }

func money(m work.Money) string {
	sym := map[string]string{"CNY": "¥", "USD": "$", "EUR": "€"}[m.Currency]
	return sym + decimal(m.Amount)
}

func decimal(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

type makerPage struct {
	Page
	*work.MakerView
	Sort string
}

func (s *Server) makerPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	if q.Sort == "" {
		q.Sort = "newest"
	}
	v, err := s.works.MakerPage(c.Request().Context(), currentUser(c), c.Param("handle"), q)
	if err != nil {
		return err
	}
	p := &makerPage{Page: s.page(c, ""), MakerView: v, Sort: q.Sort}
	p.RawTitle = v.Studio.Name
	return s.render(c, http.StatusOK, "maker", p)
}

// followSubmit is the follow button without JavaScript.
func (s *Server) followSubmit(c echo.Context) error {
	ctx, handle, u := c.Request().Context(), c.Param("handle"), currentUser(c)
	var err error
	if c.FormValue("on") == "0" {
		err = s.makers.Unfollow(ctx, u.ID, handle)
	} else {
		err = s.makers.Follow(ctx, u, handle)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/@"+handle)
}

type workPage struct {
	Page
	*work.WorkView
	Summary, ImageURL, CanonicalURL, PriceDecimal, CategoryLabel string
	Lists                                                        []curation.ListRef // the viewer's, for "save"
	Saved                                                        bool
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
		Saved: c.QueryParam("saved") == "1"}
	if w.Status == work.StatusPublished {
		if p.Lists, err = s.curation.ListsOf(c.Request().Context(), currentUser(c)); err != nil {
			return err
		}
	}
	p.RawTitle = w.Title
	p.Summary = s.works.Summary(w, 200)
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

type studioPage struct {
	Page
	Studio *maker.Studio
	Works  *work.Page
}

func (s *Server) studioPage(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	p := &studioPage{Page: s.page(c, "studio_title")}
	st, err := s.makers.ByID(ctx, u.ID)
	switch {
	case problem.KindOf(err) == problem.KindNotFound:
		return s.render(c, http.StatusOK, "studio", p)
	case err != nil:
		return err
	}
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	if p.Works, err = s.works.Studio(ctx, u, q); err != nil {
		return err
	}
	p.Studio = st
	return s.render(c, http.StatusOK, "studio", p)
}

type studioSettingsPage struct {
	fieldsPage
	Form                     maker.StudioInput
	Crafts, LeadTime, Banner string
}

func (s *Server) studioSettingsPage(c echo.Context) error {
	p := &studioSettingsPage{fieldsPage: fieldsPage{Page: s.page(c, "studio_settings_title")}}
	st, err := s.makers.ByID(c.Request().Context(), currentUser(c).ID)
	switch {
	case err == nil:
		p.Form = maker.StudioInput{Name: st.Name, Story: st.Story, Location: st.Location, Crafts: st.Crafts,
			BannerMediaID: st.BannerID, AvatarMediaID: st.AvatarID, Policies: st.Policies}
		p.Banner = st.BannerURL
	case problem.KindOf(err) != problem.KindNotFound:
		return err
	}
	p.Crafts = strings.Join(p.Form.Crafts, ", ")
	p.LeadTime = strconv.Itoa(p.Form.Policies.LeadTimeDays)
	return s.render(c, http.StatusOK, "studio_settings", p)
}

func (s *Server) studioSettingsSubmit(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	lead, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("lead_time_days")))
	in := maker.StudioInput{Name: c.FormValue("name"), Story: c.FormValue("story"), Location: c.FormValue("location"),
		Crafts: splitList(c.FormValue("crafts")), BannerMediaID: c.FormValue("banner_media_id"), AvatarMediaID: c.FormValue("avatar_media_id"),
		Policies: maker.Policies{Shipping: c.FormValue("shipping"), Returns: c.FormValue("returns"), LeadTimeDays: lead}}
	p := &studioSettingsPage{fieldsPage: fieldsPage{Page: s.page(c, "studio_settings_title")}, Form: in,
		Crafts: c.FormValue("crafts"), LeadTime: c.FormValue("lead_time_days")}
	for field, target := range map[string]*string{"banner": &in.BannerMediaID, "avatar": &in.AvatarMediaID} {
		ids, err := s.uploadFiles(c, field)
		if err != nil {
			return s.formFailed(c, err, "studio_settings", p)
		}
		if len(ids) > 0 {
			*target = ids[0]
		}
	}
	if _, err := s.makers.PutStudio(ctx, u, in); err != nil {
		return s.formFailed(c, err, "studio_settings", p)
	}
	return c.Redirect(http.StatusSeeOther, "/studio")
}

// uploadFiles sends the files of a multipart field through the media
// pipeline and returns their ids, in the order the browser sent them.
func (s *Server) uploadFiles(c echo.Context, field string) ([]string, error) {
	form, err := c.MultipartForm()
	if err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			return nil, nil
		}
		return nil, problem.Malformed("The form could not be read.", field)
	}
	var ids []string
	for _, fh := range form.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		id, err := s.uploadOne(c, fh)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Server) uploadOne(c echo.Context, fh *multipart.FileHeader) (string, error) {
	f, err := fh.Open()
	if err != nil {
		return "", problem.Malformed("The upload could not be read.", "file")
	}
	defer f.Close()
	m, err := s.media.Upload(c.Request().Context(), currentUser(c).ID, f)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

func splitList(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type feedPage struct {
	Page
	Feed *discovery.FeedPage
}

func (s *Server) feedPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p := &feedPage{Page: s.page(c, "feed_title")}
	if p.Feed, err = s.discovery.Feed(c.Request().Context(), currentUser(c), q.Cursor, q.Limit); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "feed", p)
}

// saveSubmit is the work page's "save to a list" form.
func (s *Server) saveSubmit(c echo.Context) error {
	id := c.Param("id")
	_, err := s.curation.Save(c.Request().Context(), currentUser(c), id, c.FormValue("collection_id"), c.FormValue("new_title"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/works/"+id+"?saved=1")
}
