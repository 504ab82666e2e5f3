package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPI describes the API that exists today; it grows with each feature.
func (s *Server) openAPI(c echo.Context) error {
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	jsonBody := func(schema map[string]any) map[string]any {
		return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
	}
	ok := func(desc string, schema map[string]any) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
	}
	wrapUser := map[string]any{"type": "object", "properties": map[string]any{"user": ref("Me")}}
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
			"schemas": map[string]any{
				"Error": obj(map[string]any{"error": obj(map[string]any{
					"code": str(), "message": str(), "fields": map[string]any{"type": "object", "additionalProperties": str()},
				})}),
				"User": obj(map[string]any{"id": str(), "handle": str(), "display_name": str(), "bio": str(),
					"avatar_media_id": str(), "roles": arr(str()), "created_at": dateTime()}),
				"Me":            map[string]any{"allOf": []any{ref("User"), obj(map[string]any{"email": str(), "locale": str(), "updated_at": dateTime()})}},
				"Auth":          obj(map[string]any{"user": ref("Me"), "token": str()}),
				"SignUp":        obj(map[string]any{"email": str(), "password": str(), "handle": str(), "display_name": str(), "locale": str()}),
				"Credentials":   obj(map[string]any{"email": str(), "password": str()}),
				"ProfileChange": obj(map[string]any{"display_name": str(), "bio": str(), "avatar_media_id": str(), "locale": str()}),
			},
		},
		"paths": map[string]any{
			"/auth/signup": map[string]any{"post": map[string]any{"summary": "Create an account", "requestBody": jsonBody(ref("SignUp")),
				"responses": map[string]any{"201": ok("Created", ref("Auth")), "409": errResp("Handle or email taken"), "422": errResp("Invalid fields"), "429": errResp("Rate limited")}}},
			"/auth/login": map[string]any{"post": map[string]any{"summary": "Sign in", "requestBody": jsonBody(ref("Credentials")),
				"responses": map[string]any{"200": ok("Signed in", ref("Auth")), "401": errResp("Wrong credentials"), "429": errResp("Rate limited")}}},
			"/auth/logout": map[string]any{"post": map[string]any{"summary": "Sign out", "responses": map[string]any{"204": map[string]any{"description": "Signed out"}}}},
			"/me": map[string]any{
				"get":   map[string]any{"summary": "The signed-in user", "security": sec(), "responses": map[string]any{"200": ok("You", wrapUser), "401": errResp("Not signed in")}},
				"patch": map[string]any{"summary": "Change your profile", "security": sec(), "requestBody": jsonBody(ref("ProfileChange")), "responses": map[string]any{"200": ok("Changed", wrapUser), "401": errResp("Not signed in"), "422": errResp("Invalid fields")}},
			},
			"/users/{handle}": map[string]any{"get": map[string]any{"summary": "A user's public profile",
				"parameters": []any{map[string]any{"name": "handle", "in": "path", "required": true, "schema": str()}},
				"responses":  map[string]any{"200": ok("The user", obj(map[string]any{"user": ref("User")})), "404": errResp("No such user")}}},
		},
	}
	paths := doc["paths"].(map[string]any)
	for _, op := range moreOperations {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		o := map[string]any{"summary": op.summary, "responses": map[string]any{
			op.status: map[string]any{"description": "OK"}, "4XX": errResp("Bad input, not signed in, not allowed or not found")}}
		if op.auth {
			o["security"] = sec()
		}
		var params []any
		for _, name := range op.pathParams {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": str()})
		}
		for _, name := range op.query {
			params = append(params, map[string]any{"name": name, "in": "query", "schema": str()})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.body {
			o["requestBody"] = jsonBody(map[string]any{"type": "object"})
		}
		item[op.method] = o
	}
	describeAccountSecurity(doc)
	return c.JSON(http.StatusOK, doc)
}

// operation is an endpoint described briefly: API.md holds its fields.
type operation struct {
	method, path, summary, status string
	auth, body                    bool
	pathParams, query             []string
}

var pagingParams = []string{"limit", "cursor"}

var moreOperations = []operation{
	{"put", "/me/studio", "Open or change your studio", "200", true, true, nil, nil},
	{"get", "/me/works", "Your works, drafts included", "200", true, false, nil, append([]string{"sort"}, pagingParams...)},
	{"get", "/makers/{handle}", "A maker with counts and rating", "200", false, false, []string{"handle"}, nil},
	{"get", "/makers/{handle}/works", "A maker's published works", "200", false, false, []string{"handle"}, append([]string{"sort"}, pagingParams...)},
	{"get", "/makers/{handle}/groups", "A maker's groups", "200", false, false, []string{"handle"}, nil},
	{"post", "/makers/{handle}/follow", "Follow a maker (idempotent)", "204", true, false, []string{"handle"}, nil},
	{"delete", "/makers/{handle}/follow", "Unfollow a maker (idempotent)", "204", true, false, []string{"handle"}, nil},
	{"post", "/media", "Upload an image (multipart field file): 413, 415, 422", "201", true, false, nil, nil},
	{"post", "/works", "Create a work", "201", true, true, nil, nil},
	{"get", "/works/{id}", "A work (drafts only for their maker)", "200", false, false, []string{"id"}, nil},
	{"patch", "/works/{id}", "Change your work", "200", true, true, []string{"id"}, nil},
	{"delete", "/works/{id}", "Delete your work", "204", true, false, []string{"id"}, nil},
	{"post", "/works/{id}/favorite", "Favourite a work (idempotent)", "204", true, false, []string{"id"}, nil},
	{"delete", "/works/{id}/favorite", "Unfavourite a work (idempotent)", "204", true, false, []string{"id"}, nil},
	{"get", "/search", "Search works, makers, collections or threads", "200", false, false, nil,
		append([]string{"q", "type", "category", "tags", "materials", "location", "price_min", "price_max", "in_stock", "made_to_order", "sort"}, pagingParams...)},
	{"get", "/search/suggest", "Suggestions as you type", "200", false, false, nil, []string{"q", "type", "limit"}},
	{"get", "/discover", "Trending, new, rising makers, featured collections, active threads", "200", false, false, nil, nil},
	{"get", "/feed", "Works and threads of the makers you follow and the groups you joined, newest first", "200", true, false, nil, pagingParams},
	{"post", "/collections", "Create a collection", "201", true, true, nil, nil},
	{"get", "/collections/{id}", "A collection with its items", "200", false, false, []string{"id"}, nil},
	{"patch", "/collections/{id}", "Change your collection", "200", true, true, []string{"id"}, nil},
	{"delete", "/collections/{id}", "Delete your collection", "204", true, false, []string{"id"}, nil},
	{"post", "/collections/{id}/items", "Add a work (work_id, note)", "200", true, true, []string{"id"}, nil},
	{"delete", "/collections/{id}/items/{work_id}", "Remove a work", "200", true, false, []string{"id", "work_id"}, nil},
	{"post", "/collections/{id}/feature", "Feature a curated collection (admins)", "204", true, false, []string{"id"}, nil},
	{"delete", "/collections/{id}/feature", "Stop featuring (admins)", "204", true, false, []string{"id"}, nil},
	{"post", "/admin/users/{handle}/roles", "Add and remove roles (admins)", "200", true, true, []string{"handle"}, nil},
	{"post", "/groups", "Create a group (makers)", "201", true, true, nil, nil},
	{"get", "/groups/{id}", "A group, with your membership", "200", false, false, []string{"id"}, nil},
	{"patch", "/groups/{id}", "Change your group (owner, admins)", "200", true, true, []string{"id"}, nil},
	{"post", "/groups/{id}/join", "Join, or ask to join (idempotent)", "200", true, false, []string{"id"}, nil},
	{"delete", "/groups/{id}/membership", "Leave a group", "204", true, false, []string{"id"}, nil},
	{"get", "/groups/{id}/members", "Members by status (pending and banned: moderators)", "200", false, false, []string{"id"}, append([]string{"status"}, pagingParams...)},
	{"post", "/groups/{id}/members/{handle}", "Approve, ban, promote (role, status; moderators)", "200", true, true, []string{"id", "handle"}, nil},
	{"delete", "/groups/{id}/members/{handle}", "Remove a member or turn down a request (moderators)", "204", true, false, []string{"id", "handle"}, nil},
	{"get", "/groups/{id}/threads", "Threads, pinned first (sort active or new)", "200", false, false, []string{"id"}, append([]string{"sort"}, pagingParams...)},
	{"post", "/groups/{id}/threads", "Start a thread (title, body, work_ids, media_ids; members)", "201", true, true, []string{"id"}, nil},
	{"get", "/threads/{id}", "A thread (404 in a private group you are not in)", "200", false, false, []string{"id"}, nil},
	{"patch", "/threads/{id}", "Edit (author: title, body) or moderate (pinned, locked, hidden)", "200", true, true, []string{"id"}, nil},
	{"delete", "/threads/{id}", "Delete a thread (author, moderators)", "204", true, false, []string{"id"}, nil},
	{"post", "/threads/{id}/reactions", "Like a thread (idempotent)", "204", true, false, []string{"id"}, nil},
	{"delete", "/threads/{id}/reactions", "Unlike a thread", "204", true, false, []string{"id"}, nil},
	{"get", "/threads/{id}/replies", "Replies, 50 a page: {items, page, pages} (page=N or last)", "200", false, false, []string{"id"}, []string{"page"}},
	{"post", "/threads/{id}/replies", "Reply (body, quote_id): 423 when locked", "201", true, true, []string{"id"}, nil},
	{"patch", "/threads/{id}/replies/{reply_id}", "Edit your reply", "200", true, true, []string{"id", "reply_id"}, nil},
	{"delete", "/threads/{id}/replies/{reply_id}", "Delete a reply (author, moderators)", "204", true, false, []string{"id", "reply_id"}, nil},
	{"post", "/threads/{id}/replies/{reply_id}/reactions", "Like a reply (idempotent)", "204", true, false, []string{"id", "reply_id"}, nil},
	{"delete", "/threads/{id}/replies/{reply_id}/reactions", "Unlike a reply", "204", true, false, []string{"id", "reply_id"}, nil},
	{"get", "/notifications", "Your notifications, newest first, with the unread count", "200", true, false, nil, pagingParams},
	{"get", "/notifications/unread", "Your unread count", "200", true, false, nil, nil},
	{"get", "/notifications/stream", "Server-Sent Events: unread {\"unread\": N}", "200", true, false, nil, nil},
	{"post", "/notifications/read", "Mark read: ids, or all without a body", "204", true, false, nil, nil},
	{"post", "/reports", "Report a thread, reply, work or user (target_type, target_id, reason, note)", "201", true, true, nil, nil},
	{"get", "/moderation/reports", "The moderation queue (group moderators: their groups; admins: all)", "200", true, false, nil, append([]string{"status"}, pagingParams...)},
	{"post", "/moderation/reports/{id}", "Resolve or dismiss a report (action, note)", "200", true, true, []string{"id"}, nil},
	{"get", "/moderation/audit", "The audit trail of moderators' actions", "200", true, false, nil, append([]string{"group_id"}, pagingParams...)},
	{"post", "/users/{handle}/mute", "Mute a user: their posts collapse for you", "204", true, false, []string{"handle"}, nil},
	{"delete", "/users/{handle}/mute", "Unmute a user", "204", true, false, []string{"handle"}, nil},
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func str() map[string]any            { return map[string]any{"type": "string"} }
func dateTime() map[string]any       { return map[string]any{"type": "string", "format": "date-time"} }
func arr(items map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": items}
}
func obj(props map[string]any) map[string]any {
	return map[string]any{"type": "object", "properties": props}
}
func sec() []any { return []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}} }
