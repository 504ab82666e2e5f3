package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

// The order desk's CSV: shipments in (order_id, carrier, tracking_number,
// pasted or uploaded) and orders out (UTF-8 with a BOM, which Excel and
// WPS need to read Chinese).

// maxShipmentCSV bounds an uploaded shipments file; the feature takes 500
// lines, far less than this.
const maxShipmentCSV = 1 << 20

// utf8BOM makes Excel and WPS read the file as UTF-8.
const utf8BOM = "\ufeff"

// shipmentRow is what became of one line of a bulk shipment.
type shipmentRow struct {
	Line                             int
	OrderID, Carrier, TrackingNumber string
	Status                           string // the order's status after it, when it shipped
	Error                            string // in the page's language, when it did not
}

// shipmentLines reads "order_id,carrier,tracking_number" lines, skipping
// blank lines and a header. A line that is not three columns is refused
// on its own: it gets its row and no order is touched for it.
func shipmentLines(text string) (lines []commerce.ShipmentLine, rows []shipmentRow) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, utf8BOM)))
	r.FieldsPerRecord, r.TrimLeadingSpace, r.LazyQuotes = -1, true, true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			break
		}
		row := shipmentRow{}
		if err != nil {
			row.Line = pe.StartLine
		} else {
			row.Line, _ = r.FieldPos(0)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		switch {
		case err != nil:
			row.Error = "desk_line_format"
		case len(rec) == 1 && rec[0] == "":
			continue
		case len(rec) > 0 && strings.EqualFold(rec[0], "order_id"):
			continue
		case len(rec) != 3 || rec[0] == "":
			row.Error = "desk_line_format"
			row.OrderID = rec[0]
		default:
			row.OrderID, row.Carrier, row.TrackingNumber = rec[0], rec[1], rec[2]
			lines = append(lines, commerce.ShipmentLine{OrderID: rec[0], Carrier: rec[1], TrackingNumber: rec[2]})
		}
		rows = append(rows, row)
	}
	return lines, rows
}

// checkedShipments are the orders ticked on the desk's "to ship" tab,
// each with its own carrier and tracking number; a row without a carrier
// takes the one given for all.
func checkedShipments(c echo.Context) (lines []commerce.ShipmentLine, rows []shipmentRow) {
	form, _ := c.FormParams()
	all := strings.TrimSpace(c.FormValue("carrier_all"))
	for _, id := range form["ship"] {
		l := commerce.ShipmentLine{OrderID: id, Carrier: strings.TrimSpace(c.FormValue("carrier_" + id)),
			TrackingNumber: strings.TrimSpace(c.FormValue("tracking_" + id))}
		if l.Carrier == "" {
			l.Carrier = all
		}
		lines = append(lines, l)
		rows = append(rows, shipmentRow{OrderID: l.OrderID, Carrier: l.Carrier, TrackingNumber: l.TrackingNumber})
	}
	return lines, rows
}

// shipmentText is the pasted lines followed by the uploaded file's.
func shipmentText(c echo.Context) (string, error) {
	text := c.FormValue("lines")
	fh, err := c.FormFile("csv")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) || (err == nil && fh.Size == 0) {
		return text, nil
	}
	if err != nil {
		return "", problem.Malformed("error_form_unreadable", "csv")
	}
	if fh.Size > maxShipmentCSV {
		return "", problem.InvalidField("csv", "desk_csv_too_large")
	}
	f, err := fh.Open()
	if err != nil {
		return "", fmt.Errorf("open shipments upload: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxShipmentCSV))
	if err != nil {
		return "", fmt.Errorf("read shipments upload: %w", err)
	}
	return text + "\n" + strings.TrimPrefix(string(b), utf8BOM), nil
}

func (s *Server) shipmentsSubmit(c echo.Context) error {
	text, err := shipmentText(c)
	if err != nil {
		return err
	}
	lines, rows := checkedShipments(c)
	more, moreRows := shipmentLines(text)
	lines, rows = append(lines, more...), append(rows, moreRows...)
	if len(rows) == 0 {
		return problem.InvalidField("lines", "required")
	}
	results, err := s.commerce.ShipMany(c.Request().Context(), currentUser(c), lines)
	if err != nil {
		return err
	}
	p := &orderDeskPage{fieldsPage: fieldsPage{Page: s.page(c, "desk_shipments_title")}}
	next := 0
	for i := range rows {
		if rows[i].Error != "" {
			rows[i].Error = p.T(rows[i].Error)
			continue
		}
		r := results[next]
		next++
		if r.Err == nil {
			rows[i].Status = r.Status
			continue
		}
		rows[i].Error = s.lineError(c, p, r.Err)
	}
	p.Results = rows
	return s.render(c, http.StatusOK, "order_desk", p)
}

// lineError says why one line did not ship, with the fields it names.
func (s *Server) lineError(c echo.Context, p *orderDeskPage, err error) string {
	pe, ok := problem.As(err)
	if !ok || statusOf[pe.Kind] >= 500 {
		s.log.ErrorContext(c.Request().Context(), "bulk shipment line", "err", err)
		return p.T("error_internal")
	}
	if pe.Kind != problem.KindInvalid {
		msg := p.T(pe.Message, pe.Args...)
		if st, ok := pe.Data["status"].(string); ok { // a refused transition says where the order is
			msg += " (" + p.T("desk_status_"+st) + ")"
		}
		return msg
	}
	keys := make([]string, 0, len(pe.Fields))
	for k := range pe.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		label := k
		if p.catalog.Has("desk_csv_" + k) { // carrier, tracking_number
			label = p.T("desk_csv_" + k)
		}
		parts = append(parts, label+": "+p.T(pe.Fields[k]))
	}
	return strings.Join(parts, "; ")
}

// exportColumns are the export's columns, each a message key for its
// header in the page's language.
var exportColumns = []string{"number", "date", "status", "payment", "buyer", "lines", "currency", "subtotal", "shipping", "total",
	"recipient", "phone", "address", "postal_code", "note", "carrier", "tracking_number", "shipped_at", "order_id"}

func (s *Server) ordersCSV(c echo.Context) error {
	from, err := exportDay(c.QueryParam("from"), "from", false)
	if err != nil {
		return err
	}
	to, err := exportDay(c.QueryParam("to"), "to", true)
	if err != nil {
		return err
	}
	orders, err := s.commerce.ExportRows(c.Request().Context(), currentUser(c), c.QueryParam("status"), from, to)
	if err != nil {
		return err
	}
	lang := language(c)
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	header := make([]string, 0, len(exportColumns))
	for _, col := range exportColumns {
		header = append(header, s.text(lang, "desk_csv_"+col))
	}
	_ = w.Write(header)
	for _, o := range orders {
		_ = w.Write(exportRow(o, func(key string) string { return s.text(lang, key) }))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write orders csv: %w", err)
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="orders-`+time.Now().UTC().Format("20060102")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func exportRow(o *commerce.Order, t func(string) string) []string {
	lines := make([]string, 0, len(o.Lines))
	for _, l := range o.Lines {
		item := l.Title
		if l.OptionName != "" {
			item += " (" + l.OptionName + ")"
		}
		lines = append(lines, item+" × "+strconv.Itoa(l.Quantity))
	}
	a := o.ShippingAddress
	address := strings.Join(nonEmpty(a.Country, a.Region, a.City, a.Line1, a.Line2), " ")
	shipped := ""
	if o.Shipment.ShippedAt != nil {
		shipped = o.Shipment.ShippedAt.UTC().Format("2006-01-02 15:04")
	}
	row := []string{o.Number, o.CreatedAt.UTC().Format("2006-01-02 15:04"), t("desk_status_" + o.Status),
		t("desk_pay_" + o.Payment.Method), o.Buyer.Name + " (@" + o.Buyer.Handle + ")", strings.Join(lines, "; "), o.Currency,
		decimal(o.Amounts.Subtotal.Amount), decimal(o.Amounts.Shipping.Amount), decimal(o.Amounts.Total.Amount),
		a.Name, a.Phone, address, a.PostalCode, o.Note, o.Shipment.Carrier, o.Shipment.TrackingNumber, shipped, o.ID}
	for i, v := range row {
		row[i] = notFormula(v)
	}
	return row
}

func nonEmpty(parts ...string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
