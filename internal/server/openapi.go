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
	return c.JSON(http.StatusOK, doc)
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
