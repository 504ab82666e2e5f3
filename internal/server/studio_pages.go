package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
	"guildhall/internal/maker"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

type workFormPage struct {
	fieldsPage
	WorkID, Title, Description, Price, Currency, Category string
	Stock, LeadTime, Materials, Tags, Status, Variants    string
	MadeToOrder                                           bool
	Images                                                []work.Image
	Currencies, Statuses                                  []string
	Categories                                            []work.Category
}

func (s *Server) newWorkFormPage(c echo.Context, title string) *workFormPage {
	return &workFormPage{fieldsPage: fieldsPage{Page: s.page(c, title)}, Currency: "CNY", Category: "other",
		Stock: "1", LeadTime: "0", Status: work.StatusDraft, Currencies: work.Currencies, Categories: work.Categories,
		Statuses: []string{work.StatusDraft, work.StatusPublished, work.StatusArchived}}
}

func (s *Server) newWorkPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "work_form", s.newWorkFormPage(c, "work_new_title"))
}

func (s *Server) editWorkPage(c echo.Context) error {
	w, err := s.works.ToEdit(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	p := s.newWorkFormPage(c, "work_edit_title")
	p.WorkID, p.Title, p.Description, p.Price, p.Currency = w.ID, w.Title, w.Description, decimal(w.Price.Amount), w.Price.Currency
	p.Category, p.Stock, p.LeadTime, p.Status = w.Category, strconv.Itoa(w.Stock), strconv.Itoa(w.LeadTimeDays), w.Status
	p.Materials, p.Tags, p.MadeToOrder, p.Images = strings.Join(w.Materials, ", "), strings.Join(w.Tags, ", "), w.MadeToOrder, w.Images
	lines := make([]string, 0, len(w.Variants))
	for _, v := range w.Variants {
		lines = append(lines, fmt.Sprintf("%s | %s", v.Name, decimal(v.Price.Amount)))
	}
	p.Variants = strings.Join(lines, "\n")
	return s.render(c, http.StatusOK, "work_form", p)
}

// workFormInput reads the form into an Input, with the form's own field
// errors (a price that is not a number) named like the feature's.
func (s *Server) workFormInput(c echo.Context, p *workFormPage) (work.Input, map[string]string) {
	p.Title, p.Description, p.Price = c.FormValue("title"), c.FormValue("description"), c.FormValue("price")
	p.Currency, p.Category, p.Stock = c.FormValue("currency"), c.FormValue("category"), c.FormValue("stock")
	p.LeadTime, p.Materials, p.Tags = c.FormValue("lead_time_days"), c.FormValue("materials"), c.FormValue("tags")
	p.Status, p.MadeToOrder = c.FormValue("status"), c.FormValue("made_to_order") == "1"
	p.Variants = c.FormValue("variants")
	errs := map[string]string{}
	amount, ok := parseMoney(p.Price)
	if !ok {
		errs["price"] = "price_format"
	}
	stock, err := strconv.Atoi(strings.TrimSpace(orZero(p.Stock)))
	if err != nil {
		errs["stock"] = "out_of_range"
	}
	lead, err := strconv.Atoi(strings.TrimSpace(orZero(p.LeadTime)))
	if err != nil {
		errs["lead_time_days"] = "out_of_range"
	}
	materials, tags := splitList(p.Materials), splitList(p.Tags)
	price := work.Money{Amount: amount, Currency: p.Currency}
	variants, ok := parseVariants(p.Variants, p.Currency)
	if !ok {
		errs["variants"] = "variants_format"
	}
	in := work.Input{Title: &p.Title, Description: &p.Description, Price: &price, Stock: &stock,
		MadeToOrder: &p.MadeToOrder, LeadTimeDays: &lead, Materials: &materials, Tags: &tags,
		Category: &p.Category, Status: &p.Status, Variants: &variants}
	return in, errs
}

// parseVariants reads one option a line: "name | price". Options share the
// work's stock; a third column (a per-option stock, as the form once
// asked) is ignored.
func parseVariants(text, currency string) ([]work.VariantInput, bool) {
	var out []work.VariantInput
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 2 && len(parts) != 3 {
			return nil, false
		}
		amount, ok := parseMoney(parts[1])
		if !ok {
			return nil, false
		}
		out = append(out, work.VariantInput{Name: strings.TrimSpace(parts[0]), Price: work.Money{Amount: amount, Currency: currency}})
	}
	return out, true
}

// imageOrder puts the kept images in the order the maker numbered them.
func imageOrder(form map[string][]string, kept []string) []string {
	pos := func(id string) int {
		n, err := strconv.Atoi(strings.TrimSpace(first(form["order_"+id])))
		if err != nil {
			return 1 << 30
		}
		return n
	}
	out := append([]string{}, kept...)
	sort.SliceStable(out, func(i, j int) bool { return pos(out[i]) < pos(out[j]) })
	return out
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func orZero(v string) string {
	if strings.TrimSpace(v) == "" {
		return "0"
	}
	return v
}

func (s *Server) workFormSubmit(c echo.Context) error {
	ctx, u, id := c.Request().Context(), currentUser(c), c.Param("id")
	p := s.newWorkFormPage(c, "work_new_title")
	if id != "" {
		p.fieldsPage.Page = s.page(c, "work_edit_title")
		p.WorkID = id
		// Read first, a second feature call on purpose: someone else's
		// work is refused before their files go through the media
		// pipeline, and a form that comes back shows the images as stored.
		w, err := s.works.ToEdit(ctx, u, id)
		if err != nil {
			return err
		}
		p.Images = w.Images
	}
	in, errs := s.workFormInput(c, p)
	if len(errs) > 0 {
		return s.formFailed(c, problem.Invalid(errs), "work_form", p)
	}
	uploaded, err := s.uploadFiles(c, "images")
	if err != nil {
		return s.formFailed(c, err, "work_form", p)
	}
	form, _ := c.FormParams()
	ids := append(imageOrder(form, form["keep"]), uploaded...)
	in.MediaIDs = &ids
	var w *work.Work
	if id == "" {
		w, err = s.works.Create(ctx, u, in)
	} else {
		w, err = s.works.Update(ctx, u, id, in)
	}
	if err != nil {
		return s.formFailed(c, err, "work_form", p)
	}
	return c.Redirect(http.StatusSeeOther, w.Path())
}

func (s *Server) deleteWorkSubmit(c echo.Context) error {
	if err := s.works.Delete(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/studio")
}

type studioPage struct {
	Page
	*maker.View
	ToShip int // paid orders waiting for the maker, for the desk's badge
}

func (s *Server) studioPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	v, err := s.makers.OwnStudio(ctx, u, q)
	if err != nil {
		return err
	}
	p := &studioPage{Page: s.page(c, "studio_title"), View: v}
	// The badge is commerce's, the studio maker's: a second feature, one
	// search, no scan.
	if v.Studio != nil {
		if p.ToShip, err = s.commerce.ToShip(ctx, u.ID); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "studio", p)
}

type studioSettingsPage struct {
	fieldsPage
	Form                     maker.StudioInput
	Crafts, LeadTime, Banner string
	Shop                     shopSettings
}

// studioSettings reads the studio and, for a maker, the shop: two features'
// documents, because the page holds both their forms.
func (s *Server) studioSettings(c echo.Context) (*studioSettingsPage, error) {
	ctx, u := c.Request().Context(), currentUser(c)
	p := &studioSettingsPage{fieldsPage: fieldsPage{Page: s.page(c, "studio_settings_title")}}
	st, err := s.makers.ByID(ctx, u.ID)
	switch {
	case err == nil:
		p.Form = maker.StudioInput{Name: st.Name, Story: st.Story, Location: st.Location, Crafts: st.Crafts,
			BannerMediaID: st.BannerID, AvatarMediaID: st.AvatarID, Policies: st.Policies}
		p.Banner = st.BannerURL
	case problem.KindOf(err) != problem.KindNotFound:
		return nil, err
	}
	p.Crafts = strings.Join(p.Form.Crafts, ", ")
	p.LeadTime = strconv.Itoa(p.Form.Policies.LeadTimeDays)
	if u.HasRole(account.RoleMaker) {
		sh, err := s.commerce.Shop(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		p.Shop = shopSettingsOf(sh, s.commerce.CardConfigured())
	}
	return p, nil
}

func (s *Server) studioSettingsPage(c echo.Context) error {
	p, err := s.studioSettings(c)
	if err != nil {
		return err
	}
	p.Shop.Saved = c.QueryParam("saved")
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
