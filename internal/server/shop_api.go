package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

// The maker's shop through the API: shipping and payment settings, bulk
// shipments (JSON or CSV) and the orders export.

func (s *Server) apiPutShipping(c echo.Context) error {
	var in shippingInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sh, err := s.commerce.PutShipping(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, shippingResponse{Shipping: shippingOut(sh)})
}

func (s *Server) apiPutPayments(c echo.Context) error {
	var in paymentsInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sh, err := s.commerce.PutPayments(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, paymentsResponse{Payments: paymentsOut(sh)})
}

func (s *Server) apiShipOrders(c echo.Context) error {
	lines, err := shipmentsIn(c)
	if err != nil {
		return err
	}
	res, err := s.commerce.ShipMany(c.Request().Context(), currentUser(c), lines)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, shipResultsOut(res, s.lineProblem(c)))
}

// lineProblem says why one line of a batch failed, as the error answer
// would, with the status the order was left in when the failure names it.
// A failure of the server's own is logged and said as internal only.
func (s *Server) lineProblem(c echo.Context) func(error) (errorDetailJSON, string) {
	return func(err error) (errorDetailJSON, string) {
		p := classify(err)
		if statusOf[p.Kind] >= 500 {
			s.log.ErrorContext(c.Request().Context(), "bulk shipment line", "err", err)
			p = &problem.Error{Kind: problem.KindInternal, Code: "internal", Message: "error_internal"}
		}
		var fields map[string]string
		for k, v := range p.Fields {
			if fields == nil {
				fields = map[string]string{}
			}
			fields[k] = s.text("en", v)
		}
		status, _ := p.Data["status"].(string)
		return errorDetailJSON{Code: p.Code, Message: s.text("en", p.Message, p.Args...), Fields: fields}, status
	}
}

// shipmentsIn reads a bulk shipment: a JSON array, a text/csv body, or a
// CSV file uploaded as the multipart field "file".
func shipmentsIn(c echo.Context) ([]commerce.ShipmentLine, error) {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch ct {
	case "text/csv":
		return shipmentsCSV(c.Request().Body, "body")
	case echo.MIMEMultipartForm: // read by readForm already
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, problem.InvalidField("file", "required")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("open shipments upload: %w", err)
		}
		defer f.Close()
		return shipmentsCSV(f, "file")
	}
	var in shipmentsInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return nil, err
	}
	return in.input(), nil
}

// shipmentColumns are a shipments CSV's columns in the order a file
// without a header row has them; the export starts with them too, so an
// exported file filled in comes back as it is.
var shipmentColumns = []string{"order_id", "carrier", "tracking_number"}

// shipmentsCSV reads order_id, carrier, tracking_number lines, by a
// header row's names when the first row is one, else by position. A line
// short of a column is passed on as it is: the feature names what it
// lacks in that line's result, and the other lines still ship.
func shipmentsCSV(r io.Reader, field string) ([]commerce.ShipmentLine, error) {
	rd := csv.NewReader(r)
	rd.FieldsPerRecord, rd.TrimLeadingSpace, rd.LazyQuotes = -1, true, true
	at := []int{0, 1, 2}
	var lines []commerce.ShipmentLine
	faults := map[string]string{}
	for n := 0; ; n++ {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, problem.Malformed("error_upload_unreadable", field)
		}
		if err != nil {
			return nil, jsonProblem(err) // too large, too slow
		}
		if n == 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			if named, ok := csvHeader(rec); ok {
				at = named
				continue
			}
		}
		row, _ := rd.FieldPos(0)
		cell := make([]string, len(at))
		for i, col := range at {
			if col >= 0 && col < len(rec) {
				cell[i] = strings.TrimSpace(rec[col])
			}
			problem.CheckText(faults, field+"."+strconv.Itoa(row)+"."+shipmentColumns[i], cell[i])
		}
		if strings.Join(cell, "") == "" {
			continue
		}
		lines = append(lines, commerce.ShipmentLine{OrderID: cell[0], Carrier: cell[1], TrackingNumber: cell[2]})
	}
	if len(faults) > 0 {
		return nil, problem.Invalid(faults)
	}
	if len(lines) == 0 {
		return nil, problem.InvalidField(field, "required")
	}
	return lines, nil
}

// csvHeader finds the shipment columns in a header row (any order, other
// columns ignored); a row naming order_id is taken for one.
func csvHeader(rec []string) ([]int, bool) {
	at := []int{-1, -1, -1}
	for i, name := range rec {
		for j, col := range shipmentColumns {
			if strings.EqualFold(strings.TrimSpace(name), col) {
				at[j] = i
			}
		}
	}
	return at, at[0] >= 0
}

func (s *Server) apiOrdersCSV(c echo.Context) error {
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
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // Excel and WPS read the file as UTF-8 only with it
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(orderCSVColumns)
	for _, o := range orders {
		_ = w.Write(orderCSVRow(o))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write orders csv: %w", err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="orders.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// orderCSVColumns name the export's columns for programs, in every
// language alike; amounts are in the currency's units (129.00).
var orderCSVColumns = append(append([]string{}, shipmentColumns...), "number", "placed_at", "status", "payment_method",
	"payment_status", "buyer", "items", "currency", "subtotal", "shipping", "total", "recipient", "phone", "country",
	"region", "city", "line1", "line2", "postal_code", "note", "shipped_at")

func orderCSVRow(o *commerce.Order) []string {
	items := make([]string, 0, len(o.Lines))
	for _, l := range o.Lines {
		item := l.Title
		if l.OptionName != "" {
			item += " (" + l.OptionName + ")"
		}
		items = append(items, item+" × "+strconv.Itoa(l.Quantity))
	}
	shipped := ""
	if t := o.Shipment.ShippedAt; t != nil {
		shipped = t.UTC().Format(time.RFC3339)
	}
	a := o.ShippingAddress
	row := []string{o.ID, o.Shipment.Carrier, o.Shipment.TrackingNumber, o.Number, o.CreatedAt.UTC().Format(time.RFC3339),
		o.Status, o.Payment.Method, o.Payment.Status, o.Buyer.Handle, strings.Join(items, "; "), o.Currency,
		decimal(o.Amounts.Subtotal.Amount), decimal(o.Amounts.Shipping.Amount), decimal(o.Amounts.Total.Amount),
		a.Name, a.Phone, a.Country, a.Region, a.City, a.Line1, a.Line2, a.PostalCode, o.Note, shipped}
	for i, v := range row {
		row[i] = notFormula(v)
	}
	return row
}
