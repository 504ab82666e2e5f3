package server

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// The maker's selling pages: the shipping profile and payment forms of the
// studio settings page, and the order desk (order_desk_csv.go has its CSV
// in and out).

// blankRates is how many empty rate rows the form offers: without
// JavaScript a new rate needs a row already there.
const blankRates = 3

// rateRow is one shipping rate as the form shows it: Scope is domestic,
// international or "country" (then Country names it).
type rateRow struct{ Scope, Country, First, Each string }

// shopSettings are the shipping and payment forms of the studio settings
// page, as typed (so a refused form comes back as it was sent).
type shopSettings struct {
	Seller                                                  bool // has a studio: only then are the forms shown
	Currency, ProcessingMin, ProcessingMax, ShipsFrom, Free string
	Rates                                                   []rateRow
	OfflineEnabled                                          bool
	Instructions, QRMediaID, QRURL                          string
	Stripe, CardConfigured                                  bool
	Currencies                                              []string
	Saved                                                   string // "shipping" or "payments" after a save
}

func shopSettingsOf(sh *commerce.Shop, cardConfigured bool) shopSettings {
	f := shopSettings{Seller: true, Currency: sh.Currency, ShipsFrom: sh.ShipsFrom, OfflineEnabled: sh.Offline.Enabled,
		Instructions: sh.Offline.Instructions, QRMediaID: sh.Offline.QRMediaID, QRURL: sh.Offline.QRURL,
		Stripe: sh.Stripe, CardConfigured: cardConfigured, Currencies: work.Currencies}
	if f.Currency == "" {
		f.Currency = work.Currencies[0]
	}
	if len(sh.Rates) > 0 { // a shop that never set shipping shows the placeholders
		f.ProcessingMin, f.ProcessingMax = strconv.Itoa(sh.ProcessingDays.Min), strconv.Itoa(sh.ProcessingDays.Max)
	}
	if sh.FreeOver != nil {
		f.Free = decimal(*sh.FreeOver)
	}
	for _, r := range sh.Rates {
		row := rateRow{Scope: r.To, First: decimal(r.FirstItem), Each: decimal(r.EachAdditional)}
		if r.To != commerce.ToDomestic && r.To != commerce.ToInternational {
			row.Scope, row.Country = "country", r.To
		}
		f.Rates = append(f.Rates, row)
	}
	f.Rates = withBlankRates(f.Rates)
	return f
}

func withBlankRates(rows []rateRow) []rateRow {
	for range blankRates {
		rows = append(rows, rateRow{Scope: commerce.ToDomestic})
	}
	if len(rows) == blankRates { // a first profile: offer the two usual rates
		rows[1].Scope = commerce.ToInternational
	}
	return rows
}

// ErrorAt is the message of the first error on field or on a part of it
// ("rates.0.first_item" has "rates.0.first_item.amount"), "" when none.
func (p *studioSettingsPage) ErrorAt(field string) string {
	keys := make([]string, 0, len(p.Errors))
	for k := range p.Errors {
		if k == field || strings.HasPrefix(k, field+".") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	return p.T(p.Errors[keys[0]])
}

// RateField names row i's field as the feature does.
func (p *studioSettingsPage) RateField(i int, part string) string {
	return fmt.Sprintf("rates.%d.%s", i, part)
}

// shippingForm reads the shipping form into the feature's input, with the
// form's own errors (an amount that is not a number) named as the
// feature names its fields. Rows without amounts are left out, so the
// feature's rates.N is the Nth row the form shows when it comes back.
func shippingForm(c echo.Context, f *shopSettings) (commerce.ShippingInput, map[string]string) {
	errs := map[string]string{}
	f.Currency, f.ShipsFrom, f.Free = c.FormValue("currency"), c.FormValue("ships_from"), c.FormValue("free_over")
	f.ProcessingMin, f.ProcessingMax = c.FormValue("processing_min"), c.FormValue("processing_max")
	in := commerce.ShippingInput{ShipsFrom: f.ShipsFrom}
	var err1, err2 error
	in.ProcessingDays.Min, err1 = strconv.Atoi(strings.TrimSpace(orZero(f.ProcessingMin)))
	in.ProcessingDays.Max, err2 = strconv.Atoi(strings.TrimSpace(orZero(f.ProcessingMax)))
	if err1 != nil || err2 != nil {
		errs["processing_days"] = "out_of_range"
	}
	amount := func(field, v string) work.Money {
		n, ok := parseMoney(orZero(v))
		if !ok {
			errs[field+".amount"] = "price_format"
		}
		return work.Money{Amount: n, Currency: f.Currency}
	}
	form, _ := c.FormParams()
	scopes, countries, firsts, eaches := form["rate_scope"], form["rate_country"], form["rate_first"], form["rate_each"]
	f.Rates = nil
	for i := range scopes {
		row := rateRow{Scope: scopes[i], Country: first(countries[min(i, len(countries)):]),
			First: first(firsts[min(i, len(firsts)):]), Each: first(eaches[min(i, len(eaches)):])}
		if strings.TrimSpace(row.First) == "" && strings.TrimSpace(row.Each) == "" {
			continue
		}
		to := row.Scope
		if to != commerce.ToDomestic && to != commerce.ToInternational {
			to = row.Country
		}
		field := fmt.Sprintf("rates.%d", len(in.Rates))
		in.Rates = append(in.Rates, commerce.RateInput{To: to, FirstItem: amount(field+".first_item", row.First),
			EachAdditional: amount(field+".each_additional", row.Each)})
		f.Rates = append(f.Rates, row)
	}
	f.Rates = withBlankRates(f.Rates)
	if strings.TrimSpace(f.Free) != "" {
		m := amount("free_over", f.Free)
		in.FreeOver = &m
	}
	return in, errs
}

// shopFormFailed shows the settings page again with the shop's forms as
// they were sent and their errors in place; the studio's own form is read
// afresh.
func (s *Server) shopFormFailed(c echo.Context, err error, sent shopSettings) error {
	p, lerr := s.studioSettings(c)
	if lerr != nil {
		return lerr
	}
	sent.Seller, sent.CardConfigured, sent.Currencies, sent.QRURL = true, p.Shop.CardConfigured, work.Currencies, p.Shop.QRURL
	p.Shop = sent
	return s.formFailed(c, err, "studio_settings", p)
}

func (s *Server) shippingSubmit(c echo.Context) error {
	f := shopSettings{}
	in, errs := shippingForm(c, &f)
	if len(errs) > 0 {
		return s.shopFormFailed(c, problem.Invalid(errs), f)
	}
	if _, err := s.commerce.PutShipping(c.Request().Context(), currentUser(c), in); err != nil {
		return s.shopFormFailed(c, err, f)
	}
	return c.Redirect(http.StatusSeeOther, "/studio/settings?saved=shipping#shipping")
}

func (s *Server) paymentsSubmit(c echo.Context) error {
	f := shopSettings{OfflineEnabled: c.FormValue("offline_enabled") == "1", Instructions: c.FormValue("offline_instructions"),
		QRMediaID: c.FormValue("offline_qr_media_id"), Stripe: c.FormValue("stripe_enabled") == "1"}
	if c.FormValue("offline_qr_remove") == "1" {
		f.QRMediaID = ""
	}
	ids, err := s.uploadFiles(c, "offline_qr")
	if err != nil {
		return s.shopFormFailed(c, err, f)
	}
	if len(ids) > 0 {
		f.QRMediaID = ids[0]
	}
	in := commerce.PaymentsInput{Offline: commerce.OfflineInput{Enabled: f.OfflineEnabled, Instructions: f.Instructions,
		QRMediaID: f.QRMediaID}, Stripe: f.Stripe}
	if _, err := s.commerce.PutPayments(c.Request().Context(), currentUser(c), in); err != nil {
		return s.shopFormFailed(c, err, f)
	}
	return c.Redirect(http.StatusSeeOther, "/studio/settings?saved=payments#payments")
}

// deskTab is one tab of the order desk.
type deskTab struct {
	Name  string // a commerce tab, "" for all
	Count int
}

type orderDeskPage struct {
	fieldsPage
	Status, Q string
	Tabs      []deskTab
	Orders    *commerce.OrderPage
	// Results of a bulk shipment, one a line in the order sent.
	Results []shipmentRow
}

// TabHref is the desk's address for tab, keeping the search.
func (p *orderDeskPage) TabHref(tab string) string { return deskHref(tab, p.Q, "") }

// NextHref is the next page's address.
func (p *orderDeskPage) NextHref(cursor string) string { return deskHref(p.Status, p.Q, cursor) }

// ExportHref exports what the tab shows.
func (p *orderDeskPage) ExportHref() string {
	if p.Status == "" {
		return "/studio/orders.csv"
	}
	return "/studio/orders.csv?status=" + url.QueryEscape(p.Status)
}

func deskHref(status, q, cursor string) string {
	v := url.Values{}
	for k, x := range map[string]string{"status": status, "q": q, "cursor": cursor} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if len(v) == 0 {
		return "/studio/orders"
	}
	return "/studio/orders?" + v.Encode()
}

func (s *Server) orderDeskPage(c echo.Context) error {
	lq, err := listQuery(c)
	if err != nil {
		return err
	}
	p := &orderDeskPage{fieldsPage: fieldsPage{Page: s.page(c, "desk_title")}, Status: c.QueryParam("status"), Q: c.QueryParam("q")}
	orders, err := s.commerce.Orders(c.Request().Context(), currentUser(c), commerce.OrderQuery{Role: commerce.RoleMaker,
		Status: p.Status, Q: p.Q, Cursor: lq.Cursor, Limit: lq.Limit})
	if err != nil {
		return err
	}
	p.Orders = orders
	all := deskTab{}
	for _, t := range commerce.Tabs {
		p.Tabs = append(p.Tabs, deskTab{Name: t.Name, Count: orders.Counts[t.Name]})
		all.Count += orders.Counts[t.Name]
	}
	p.Tabs = append([]deskTab{all}, p.Tabs...)
	return s.render(c, http.StatusOK, "order_desk", p)
}

// SlipsHref prints the packing slips of the page's orders waiting to ship.
func (p *orderDeskPage) SlipsHref() string {
	v := url.Values{}
	for _, o := range p.Orders.Items {
		if o.Status == commerce.StatusPaid {
			v.Add("id", o.ID)
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "/studio/orders/slips?" + v.Encode()
}

type slipsPage struct {
	Page
	Orders []*commerce.Order
}

func (s *Server) packingSlipsPage(c echo.Context) error {
	orders, err := s.commerce.PackingSlips(c.Request().Context(), currentUser(c), c.QueryParams()["id"])
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "packing_slips", &slipsPage{Page: s.page(c, "desk_slips_title"), Orders: orders})
}
