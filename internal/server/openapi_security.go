package server

// describeAccountSecurity adds password changes, password resets and the
// sessions list to the OpenAPI document.
func describeAccountSecurity(doc map[string]any) {
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	schemas["PasswordChange"] = obj(map[string]any{"current_password": str(), "new_password": str()})
	schemas["ResetRequest"] = obj(map[string]any{"email": str()})
	schemas["ResetConfirm"] = obj(map[string]any{"token": str(), "new_password": str()})
	schemas["Session"] = obj(map[string]any{"id": str(), "created_at": dateTime(), "last_seen_at": dateTime(),
		"user_agent": str(), "current": map[string]any{"type": "boolean"}})
	fail := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	body := func(schema string) map[string]any {
		return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(schema)}}}
	}
	done := func(desc string) map[string]any { return map[string]any{"description": desc} }
	idParam := []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": str()}}
	paths["/me/password"] = map[string]any{"post": map[string]any{"summary": "Change your password; every other session ends",
		"security": sec(), "requestBody": body("PasswordChange"), "responses": map[string]any{
			"204": done("Changed"), "401": fail("Wrong current password, or not signed in"), "422": fail("The new password is weak"), "429": fail("Too many wrong tries")}}}
	paths["/auth/password-reset"] = map[string]any{"post": map[string]any{
		"summary":     "E-mail a single-use reset link valid 1 h (the same answer whether the address is known or not)",
		"requestBody": body("ResetRequest"), "responses": map[string]any{"202": done("Accepted"), "422": fail("Not an e-mail address"), "429": fail("Rate limited")}}}
	paths["/auth/password-reset/confirm"] = map[string]any{"post": map[string]any{"summary": "Set a new password with a reset token; every session ends",
		"requestBody": body("ResetConfirm"), "responses": map[string]any{
			"204": done("Reset"), "400": fail("A bad, used or expired token"), "422": fail("The new password is weak")}}}
	paths["/me/sessions"] = map[string]any{
		"get": map[string]any{"summary": "Where you are signed in", "security": sec(), "responses": map[string]any{
			"200": map[string]any{"description": "Your sessions, this one first", "content": map[string]any{"application/json": map[string]any{
				"schema": obj(map[string]any{"items": arr(ref("Session")), "next_cursor": map[string]any{"type": "string", "nullable": true}})}}},
			"401": fail("Not signed in")}},
		"delete": map[string]any{"summary": "Sign out everywhere else", "security": sec(), "responses": map[string]any{"204": done("Signed out"), "401": fail("Not signed in")}},
	}
	paths["/me/sessions/{id}"] = map[string]any{"delete": map[string]any{"summary": "Sign out one session", "security": sec(), "parameters": idParam,
		"responses": map[string]any{"204": done("Signed out"), "401": fail("Not signed in"), "404": fail("No such session of yours")}}}
}
