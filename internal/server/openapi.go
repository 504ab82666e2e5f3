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
	{"get", "/search", "Search works, makers or collections", "200", false, false, nil,
		append([]string{"q", "type", "category", "tags", "materials", "location", "price_min", "price_max", "in_stock", "made_to_order", "sort"}, pagingParams...)},
	{"get", "/search/suggest", "Suggestions as you type", "200", false, false, nil, []string{"q", "type", "limit"}},
	{"get", "/discover", "Trending, new, rising makers, featured collections, active threads", "200", false, false, nil, nil},
	{"get", "/feed", "New works of the makers you follow", "200", true, false, nil, pagingParams},
	{"post", "/collections", "Create a collection", "201", true, true, nil, nil},
	{"get", "/collections/{id}", "A collection with its items", "200", false, false, []string{"id"}, nil},
	{"patch", "/collections/{id}", "Change your collection", "200", true, true, []string{"id"}, nil},
	{"delete", "/collections/{id}", "Delete your collection", "204", true, false, []string{"id"}, nil},
	{"post", "/collections/{id}/items", "Add a work (work_id, note)", "200", true, true, []string{"id"}, nil},
	{"delete", "/collections/{id}/items/{work_id}", "Remove a work", "200", true, false, []string{"id", "work_id"}, nil},
	{"post", "/collections/{id}/feature", "Feature a curated collection (admins)", "204", true, false, []string{"id"}, nil},
	{"delete", "/collections/{id}/feature", "Stop featuring (admins)", "204", true, false, []string{"id"}, nil},
	{"post", "/admin/users/{handle}/roles", "Add and remove roles (admins)", "200", true, true, []string{"handle"}, nil},
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
