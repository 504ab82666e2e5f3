package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// operation documents one API route. The OpenAPI document is built from
// these rows and the types they name, and every JSON answer is checked
// against its row (see checkedJSON), so the document cannot drift from
// what handlers send.
type operation struct {
	Method  string // GET, POST…
	Path    string // under /api/v1, as OpenAPI writes it: "/works/{id}"
	Summary string
	Status  int  // the success status
	Auth    bool // needs a session
	In      any  // the JSON body's type, as a zero value; nil without one
	// InOptional says the body may be left out.
	InOptional bool
	Out        any // the success body's type, as a zero value; nil for none (204)
	Query      []string
	// Upload names the multipart file field the body is instead of JSON.
	Upload string
	// Stream is the content type of a body written as it goes (Out then
	// describes each event's data); "" is application/json.
	Stream string
	// Errors names the failures worth naming by status; nil: any 4XX.
	Errors map[string]string
}

var pagingParams = []string{"limit", "cursor"}

func paging(more ...string) []string { return append(more, pagingParams...) }

var operations = []operation{
	{Method: "POST", Path: "/auth/signup", Summary: "Create an account", Status: 201, In: signUpJSON{}, Out: authJSON{},
		Errors: map[string]string{"409": "Handle or email taken", "422": "Invalid fields", "429": "Rate limited"}},
	{Method: "POST", Path: "/auth/login", Summary: "Sign in", Status: 200, In: credentialsJSON{}, Out: authJSON{},
		Errors: map[string]string{"401": "Wrong credentials", "429": "Rate limited"}},
	{Method: "POST", Path: "/auth/logout", Summary: "Sign out", Status: 204, Errors: map[string]string{}},
	{Method: "GET", Path: "/me", Summary: "The signed-in user", Status: 200, Auth: true, Out: meResponse{},
		Errors: map[string]string{"401": "Not signed in"}},
	{Method: "PATCH", Path: "/me", Summary: "Change your profile", Status: 200, Auth: true, In: profileChangeJSON{}, Out: meResponse{},
		Errors: map[string]string{"401": "Not signed in", "422": "Invalid fields"}},
	{Method: "POST", Path: "/me/password", Summary: "Change your password; every other session ends", Status: 204, Auth: true,
		In: passwordChangeJSON{}, Errors: map[string]string{"401": "Wrong current password, or not signed in",
			"422": "The new password is weak", "429": "Too many wrong tries"}},
	{Method: "POST", Path: "/auth/password-reset", Status: 202, In: resetRequestJSON{},
		Summary: "E-mail a single-use reset link valid 1 h (the same answer whether the address is known or not)",
		Errors:  map[string]string{"422": "Not an e-mail address", "429": "Rate limited"}},
	{Method: "POST", Path: "/auth/password-reset/confirm", Summary: "Set a new password with a reset token; every session ends",
		Status: 204, In: resetConfirmJSON{}, Errors: map[string]string{"400": "A bad, used or expired token", "422": "The new password is weak"}},
	{Method: "GET", Path: "/me/sessions", Summary: "Where you are signed in, this session first", Status: 200, Auth: true,
		Out: pageJSON[sessionJSON]{}, Errors: map[string]string{"401": "Not signed in"}},
	{Method: "DELETE", Path: "/me/sessions", Summary: "Sign out everywhere else", Status: 204, Auth: true,
		Errors: map[string]string{"401": "Not signed in"}},
	{Method: "DELETE", Path: "/me/sessions/{id}", Summary: "Sign out one session", Status: 204, Auth: true,
		Errors: map[string]string{"401": "Not signed in", "404": "No such session of yours"}},
	{Method: "GET", Path: "/users/{handle}", Summary: "A user's public profile", Status: 200, Out: userResponse{},
		Errors: map[string]string{"404": "No such user"}},
	{Method: "POST", Path: "/admin/users/{handle}/roles", Summary: "Add and remove roles (admins)", Status: 200, Auth: true, In: rolesChangeJSON{}, Out: userResponse{}},
	{Method: "POST", Path: "/users/{handle}/mute", Summary: "Mute a user: their posts collapse for you", Status: 204, Auth: true},
	{Method: "DELETE", Path: "/users/{handle}/mute", Summary: "Unmute a user", Status: 204, Auth: true},

	{Method: "PUT", Path: "/me/studio", Summary: "Open or change your studio", Status: 200, Auth: true, In: studioInputJSON{}, Out: makerResponse{}},
	{Method: "GET", Path: "/me/works", Summary: "Your works, drafts included", Status: 200, Auth: true, Out: pageJSON[workCardJSON]{}, Query: paging("sort")},
	{Method: "GET", Path: "/makers/{handle}", Summary: "A maker with counts and rating", Status: 200, Out: makerResponse{}},
	{Method: "GET", Path: "/makers/{handle}/works", Summary: "A maker's published works", Status: 200, Out: pageJSON[workCardJSON]{}, Query: paging("sort")},
	{Method: "GET", Path: "/makers/{handle}/groups", Summary: "A maker's groups", Status: 200, Out: makerGroupsJSON{}},
	{Method: "POST", Path: "/makers/{handle}/follow", Summary: "Follow a maker (idempotent)", Status: 204, Auth: true},
	{Method: "DELETE", Path: "/makers/{handle}/follow", Summary: "Unfollow a maker (idempotent)", Status: 204, Auth: true},

	{Method: "POST", Path: "/media", Summary: "Upload an image: 413, 415, 422", Status: 201, Auth: true, Upload: "file", Out: mediaJSON{}},
	{Method: "POST", Path: "/works", Summary: "Create a work", Status: 201, Auth: true, In: workInputJSON{}, Out: workResponse{}},
	{Method: "GET", Path: "/works/{id}", Summary: "A work (drafts only for their maker)", Status: 200, Out: workResponse{}},
	{Method: "PATCH", Path: "/works/{id}", Summary: "Change your work", Status: 200, Auth: true, In: workInputJSON{}, Out: workResponse{}},
	{Method: "DELETE", Path: "/works/{id}", Summary: "Delete your work", Status: 204, Auth: true},
	{Method: "POST", Path: "/works/{id}/favorite", Summary: "Favourite a work (idempotent)", Status: 204, Auth: true},
	{Method: "DELETE", Path: "/works/{id}/favorite", Summary: "Unfavourite a work (idempotent)", Status: 204, Auth: true},

	{Method: "GET", Path: "/search", Summary: "Search works, makers, collections or threads", Status: 200, Out: searchJSON{},
		Query: paging("q", "type", "category", "tags", "materials", "location", "price_min", "price_max", "in_stock", "made_to_order", "sort")},
	{Method: "GET", Path: "/search/suggest", Summary: "Suggestions as you type", Status: 200, Out: suggestionsJSON{}, Query: []string{"q", "type", "limit"}},
	{Method: "GET", Path: "/discover", Summary: "Trending, new, rising makers, featured collections, active threads", Status: 200, Out: discoverJSON{}},
	{Method: "GET", Path: "/feed", Summary: "Works and threads of the makers you follow and the groups you joined, newest first", Status: 200, Auth: true, Out: feedJSON{}, Query: pagingParams},

	{Method: "POST", Path: "/collections", Summary: "Create a collection", Status: 201, Auth: true, In: collectionInputJSON{}, Out: collectionResponse{}},
	{Method: "GET", Path: "/collections/{id}", Summary: "A collection with its items", Status: 200, Out: collectionResponse{}},
	{Method: "PATCH", Path: "/collections/{id}", Summary: "Change your collection", Status: 200, Auth: true, In: collectionInputJSON{}, Out: collectionResponse{}},
	{Method: "DELETE", Path: "/collections/{id}", Summary: "Delete your collection", Status: 204, Auth: true},
	{Method: "POST", Path: "/collections/{id}/items", Summary: "Add a work", Status: 200, Auth: true, In: collectionItemInputJSON{}, Out: collectionResponse{}},
	{Method: "DELETE", Path: "/collections/{id}/items/{work_id}", Summary: "Remove a work", Status: 200, Auth: true, Out: collectionResponse{}},
	{Method: "POST", Path: "/collections/{id}/feature", Summary: "Feature a curated collection (admins)", Status: 204, Auth: true},
	{Method: "DELETE", Path: "/collections/{id}/feature", Summary: "Stop featuring (admins)", Status: 204, Auth: true},

	{Method: "POST", Path: "/groups", Summary: "Create a group (makers)", Status: 201, Auth: true, In: groupInputJSON{}, Out: groupResponse{}},
	{Method: "GET", Path: "/groups/{id}", Summary: "A group, with your membership", Status: 200, Out: groupResponse{}},
	{Method: "PATCH", Path: "/groups/{id}", Summary: "Change your group (owner, admins)", Status: 200, Auth: true, In: groupInputJSON{}, Out: groupResponse{}},
	{Method: "POST", Path: "/groups/{id}/join", Summary: "Join, or ask to join (idempotent)", Status: 200, Auth: true, Out: membershipResponse{}},
	{Method: "DELETE", Path: "/groups/{id}/membership", Summary: "Leave a group", Status: 204, Auth: true},
	{Method: "GET", Path: "/groups/{id}/members", Summary: "Members by status (pending and banned: moderators)", Status: 200, Out: pageJSON[memberCardJSON]{}, Query: paging("status")},
	{Method: "POST", Path: "/groups/{id}/members/{handle}", Summary: "Approve, ban, promote (moderators)", Status: 200, Auth: true, In: memberChangeJSON{}, Out: membershipResponse{}},
	{Method: "DELETE", Path: "/groups/{id}/members/{handle}", Summary: "Remove a member or turn down a request (moderators)", Status: 204, Auth: true},
	{Method: "GET", Path: "/groups/{id}/threads", Summary: "Threads, pinned first (sort active or new)", Status: 200, Out: pageJSON[threadCardJSON]{}, Query: paging("sort")},
	{Method: "POST", Path: "/groups/{id}/threads", Summary: "Start a thread (members)", Status: 201, Auth: true, In: threadInputJSON{}, Out: threadResponse{}},
	{Method: "GET", Path: "/threads/{id}", Summary: "A thread (404 in a private group you are not in)", Status: 200, Out: threadResponse{}},
	{Method: "PATCH", Path: "/threads/{id}", Summary: "Edit (author: title, body) or moderate (pinned, locked, hidden)", Status: 200, Auth: true, In: threadInputJSON{}, Out: threadResponse{}},
	{Method: "DELETE", Path: "/threads/{id}", Summary: "Delete a thread (author, moderators)", Status: 204, Auth: true},
	{Method: "POST", Path: "/threads/{id}/reactions", Summary: "Like a thread (idempotent)", Status: 204, Auth: true},
	{Method: "DELETE", Path: "/threads/{id}/reactions", Summary: "Unlike a thread", Status: 204, Auth: true},
	{Method: "GET", Path: "/threads/{id}/replies", Summary: "Replies, 50 a page (page=N or last)", Status: 200, Out: repliesJSON{}, Query: []string{"page"}},
	{Method: "POST", Path: "/threads/{id}/replies", Summary: "Reply: 423 when locked", Status: 201, Auth: true, In: replyInputJSON{}, Out: replyResponse{}},
	{Method: "PATCH", Path: "/threads/{id}/replies/{reply_id}", Summary: "Edit your reply", Status: 200, Auth: true, In: replyInputJSON{}, Out: replyResponse{}},
	{Method: "DELETE", Path: "/threads/{id}/replies/{reply_id}", Summary: "Delete a reply (author, moderators)", Status: 204, Auth: true},
	{Method: "POST", Path: "/threads/{id}/replies/{reply_id}/reactions", Summary: "Like a reply (idempotent)", Status: 204, Auth: true},
	{Method: "DELETE", Path: "/threads/{id}/replies/{reply_id}/reactions", Summary: "Unlike a reply", Status: 204, Auth: true},

	{Method: "GET", Path: "/notifications", Summary: "Your notifications, newest first, with the unread count", Status: 200, Auth: true, Out: notificationsJSON{}, Query: pagingParams},
	{Method: "GET", Path: "/notifications/unread", Summary: "Your unread count", Status: 200, Auth: true, Out: unreadJSON{}},
	{Method: "GET", Path: "/notifications/stream", Summary: "Server-Sent Events: unread, whenever the count changes", Status: 200, Auth: true, Out: unreadJSON{}, Stream: "text/event-stream"},
	{Method: "POST", Path: "/notifications/read", Summary: "Mark read: ids, or all without a body", Status: 204, Auth: true, In: markReadJSON{}, InOptional: true},

	{Method: "POST", Path: "/reports", Summary: "Report a thread, reply, work or user", Status: 201, Auth: true, In: reportInputJSON{}, Out: reportResponse{}},
	{Method: "GET", Path: "/moderation/reports", Summary: "The moderation queue (group moderators: their groups; admins: all)", Status: 200, Auth: true, Out: pageJSON[reportJSON]{}, Query: paging("status")},
	{Method: "POST", Path: "/moderation/reports/{id}", Summary: "Resolve or dismiss a report", Status: 200, Auth: true, In: decisionJSON{}, Out: reportResponse{}},
	{Method: "GET", Path: "/moderation/audit", Summary: "The audit trail of moderators' actions", Status: 200, Auth: true, Out: pageJSON[auditEntryJSON]{}, Query: paging("group_id")},

	// Commerce: the buyer's API.
	{Method: "GET", Path: "/me/addresses", Summary: "Your address book, oldest first", Status: 200, Auth: true, Out: pageJSON[addressJSON]{},
		Errors: map[string]string{"401": "Not signed in"}},
	{Method: "POST", Path: "/me/addresses", Summary: "Add an address (seen by you, and on an order by its maker and admins)", Status: 201,
		Auth: true, In: addressInputJSON{}, Out: addressResponse{},
		Errors: map[string]string{"401": "Not signed in", "409": "The book is full", "422": "Invalid fields"}},
	{Method: "DELETE", Path: "/me/addresses/{id}", Summary: "Remove an address (orders keep their copy; idempotent)", Status: 204, Auth: true,
		Errors: map[string]string{"401": "Not signed in"}},
	{Method: "GET", Path: "/cart", Summary: "Your cart by maker, with shipping to address_id (else your first address)", Status: 200,
		Auth: true, Out: cartResponse{}, Query: []string{"address_id"}, Errors: map[string]string{"401": "Not signed in"}},
	{Method: "PUT", Path: "/cart/items/{work_id}", Summary: "Set how many of a work (in an option) your cart holds", Status: 200,
		Auth: true, In: cartItemInputJSON{}, Out: cartResponse{},
		Errors: map[string]string{"404": "No such work", "409": "The cart is full", "422": "Bad quantity or option, or your own work"}},
	{Method: "DELETE", Path: "/cart/items/{work_id}", Summary: "Take a work (in ?option) out of your cart (idempotent)", Status: 204,
		Auth: true, Query: []string{"option"}, Errors: map[string]string{"401": "Not signed in"}},
	{Method: "POST", Path: "/checkout", Status: 201, Auth: true, In: checkoutInputJSON{}, Out: checkoutJSON{},
		Summary: "Buy your cart: one order per maker, one payment. Needs an Idempotency-Key header; a repeat with the same key and body " +
			"answers the first answer again with Idempotent-Replayed: true",
		Errors: map[string]string{"400": "No or bad Idempotency-Key",
			"409": "price_changed (with the new total), out_of_stock (naming work_ids; nothing reserved), idempotency_key_in_use",
			"422": "Invalid fields, your own work, or idempotency_key_reused with another body"}},
	{Method: "GET", Path: "/orders", Summary: "Your orders as buyer or maker, newest first, with the order desk's tab counts", Status: 200,
		Auth: true, Out: orderPageJSON{}, Query: paging("role", "status", "q"), Errors: map[string]string{"422": "Bad role, status or cursor"}},
	{Method: "GET", Path: "/orders/{id}", Summary: "An order with its timeline (its buyer, its maker and admins)", Status: 200, Auth: true,
		Out: orderResponse{}, Errors: map[string]string{"404": "No such order of yours"}},
	{Method: "POST", Path: "/orders/{id}/{action}", Status: 200, Auth: true, In: orderActionInputJSON{}, InOptional: true, Out: orderResponse{},
		Summary: "Act on an order: paid (buyer, offline: reference), confirm-payment (maker, offline), ship (maker: carrier, " +
			"tracking_number), received (buyer), cancel (reason), refund-received (buyer, admins)",
		Errors: map[string]string{"403": "Not your part to act", "404": "No such order of yours",
			"409": "invalid_transition, naming the status", "422": "Invalid fields or unknown action"}},

	// Commerce: the maker's shop API.
	{Method: "PUT", Path: "/me/studio/shipping", Summary: "Set your shipping profile: processing days, ships-from, rates by destination, free shipping over an amount",
		Status: 200, Auth: true, In: shippingInputJSON{}, Out: shippingResponse{},
		Errors: map[string]string{"401": "Not signed in", "403": "No studio", "422": "Invalid fields (unknown country, days out of range, bad money)"}},
	{Method: "PUT", Path: "/me/studio/payments", Summary: "Set how you take payment: offline instructions and QR code, card through Stripe",
		Status: 200, Auth: true, In: paymentsInputJSON{}, Out: paymentsResponse{},
		Errors: map[string]string{"401": "Not signed in", "403": "No studio", "422": "Invalid fields, or stripe.enabled where this site has no Stripe"}},
	{Method: "POST", Path: "/studio/orders/shipments", Status: 200, Auth: true, In: shipmentsInputJSON{}, Out: shipResultsJSON{},
		Summary: "Ship orders in bulk: a JSON array, or CSV (order_id, carrier, tracking_number; a text/csv body or a multipart file " +
			"\"file\"); a result per line, one bad line never stops the others",
		Errors: map[string]string{"401": "Not signed in", "403": "No studio", "422": "No lines, too many, or an unreadable CSV"}},
	{Method: "GET", Path: "/studio/orders.csv", Summary: "Your orders as CSV (UTF-8 with a BOM, for Excel and WPS), oldest first, addresses included",
		Status: 200, Auth: true, Out: "", Stream: "text/csv", Query: []string{"status", "from", "to"},
		Errors: map[string]string{"401": "Not signed in", "403": "No studio", "422": "Bad status or date"}},
	{Method: "POST", Path: "/payments/stripe/webhook", Summary: "Stripe's payment events, checked by the Stripe-Signature header; each event id is applied once",
		Status: 200, Out: webhookReceiptJSON{},
		Errors: map[string]string{"400": "Bad signature", "404": "No Stripe on this site", "409": "The event is being applied; Stripe delivers it again"}},
}

// openAPIDocument builds the document from the rows and their types; it
// fails on a type reflection cannot describe, or a name two types share.
func openAPIDocument(ops []operation) ([]byte, *schemas, error) {
	sc := newSchemas()
	errorSchema := sc.of(reflect.TypeFor[errorJSON](), "errors")
	content := func(ct string, schema map[string]any) map[string]any {
		return map[string]any{ct: map[string]any{"schema": schema}}
	}
	paths := map[string]any{}
	for _, op := range ops {
		where := op.Method + " " + op.Path
		o := map[string]any{"summary": op.Summary}
		ok := map[string]any{"description": http.StatusText(op.Status)}
		if op.Out != nil {
			ct := op.Stream
			if ct == "" {
				ct = echo.MIMEApplicationJSON
			}
			ok["content"] = content(ct, sc.of(reflect.TypeOf(op.Out), where+" "+strconv.Itoa(op.Status)))
		}
		responses := map[string]any{strconv.Itoa(op.Status): ok}
		failures := op.Errors
		if failures == nil {
			failures = map[string]string{"4XX": "Bad input, not signed in, not allowed or not found"}
		}
		for status, desc := range failures {
			responses[status] = map[string]any{"description": desc, "content": content(echo.MIMEApplicationJSON, errorSchema)}
		}
		o["responses"] = responses
		if op.Auth {
			o["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}}
		}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				params = append(params, map[string]any{"name": strings.TrimSuffix(name, "}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, name := range op.Query {
			params = append(params, map[string]any{"name": name, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		switch {
		case op.In != nil:
			o["requestBody"] = map[string]any{"required": !op.InOptional,
				"content": content(echo.MIMEApplicationJSON, sc.of(reflect.TypeOf(op.In), where+" body"))}
		case op.Upload != "":
			o["requestBody"] = map[string]any{"required": true, "content": content(echo.MIMEMultipartForm, map[string]any{
				"type": "object", "properties": map[string]any{op.Upload: map[string]any{"type": "string", "format": "binary"}}})}
		}
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		if _, dup := item[strings.ToLower(op.Method)]; dup {
			sc.fail("%s is documented twice", where)
		}
		item[strings.ToLower(op.Method)] = o
	}
	if len(sc.errs) > 0 {
		sort.Strings(sc.errs)
		return nil, sc, fmt.Errorf("openapi: %s", strings.Join(sc.errs, "; "))
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Guildhall API", "version": "1"},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
					"description": "Browser session; state-changing calls then need X-CSRF-Token."},
			},
			"schemas": sc.components,
		},
		"paths": paths,
	}
	b, err := json.Marshal(doc)
	return b, sc, err
}

func (s *Server) openAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.openapi)
}

// checkedJSON writes JSON as Echo does, and logs an error when an API
// answer is not the status and type its operation documents (an error
// answer must be errorJSON): the test rig fails any test that meets one.
type checkedJSON struct {
	echo.DefaultJSONSerializer
	want map[string]answer // by "GET /api/v1/works/:id"
	log  *slog.Logger
}

type answer struct {
	status int
	typ    reflect.Type // nil for none
}

func newCheckedJSON(ops []operation, log *slog.Logger) checkedJSON {
	want := map[string]answer{}
	for _, op := range ops {
		want[op.Method+" "+routePath(op.Path)] = answer{op.Status, reflect.TypeOf(op.Out)}
	}
	return checkedJSON{want: want, log: log}
}

// routePath is an operation's path as Echo routes it.
func routePath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			segs[i] = ":" + strings.TrimSuffix(name, "}")
		}
	}
	return "/api/v1" + strings.Join(segs, "/")
}

func (j checkedJSON) Serialize(c echo.Context, i any, indent string) error {
	route, status := c.Request().Method+" "+c.Path(), c.Response().Status
	if want, documented := j.want[route]; documented {
		if status >= 400 {
			want = answer{status, reflect.TypeFor[errorJSON]()}
		}
		if got := reflect.TypeOf(i); got != want.typ || status != want.status {
			j.log.ErrorContext(c.Request().Context(), "response differs from the OpenAPI document", "route", route,
				"status", status, "type", fmt.Sprint(got), "documented_status", want.status, "documented_type", fmt.Sprint(want.typ))
		}
	}
	return j.DefaultJSONSerializer.Serialize(c, i, indent)
}
