package server_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"guildhall/internal/testrig"
)

type scenario struct {
	name   string
	method string
	path   string
	body   any
	status int
	want   []string // substrings of the response body
	header []string
}

func run(t *testing.T, c *testrig.Client, cases []scenario) {
	t.Helper()
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			r := c.Do(sc.method, sc.path, sc.body, sc.header...)
			if r.Status != sc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", sc.method, sc.path, r.Status, sc.status, r.Body)
			}
			for _, w := range sc.want {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("%s %s: body lacks %q: %s", sc.method, sc.path, w, r.Body)
				}
			}
		})
	}
}

func signUpBody(handle, email string) map[string]string {
	return map[string]string{"email": email, "password": "a long enough password", "handle": handle, "display_name": "陈小北"}
}

func TestSignUpAnswersEveryKindOfInputAsTheContractSays(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	run(t, c, []scenario{
		{"a valid sign-up creates the user and a token", "POST", "/api/v1/auth/signup", signUpBody("chen_xb", "chen@example.com"),
			201, []string{`"handle":"chen_xb"`, `"display_name":"陈小北"`, `"token":"`}, nil},
		{"a taken handle is a conflict naming the handle", "POST", "/api/v1/auth/signup", signUpBody("chen_xb", "other@example.com"),
			409, []string{`"code":"handle_taken"`, `"handle":`}, nil},
		{"a handle differing only in case is taken too", "POST", "/api/v1/auth/signup", signUpBody("CHEN_XB", "other@example.com"),
			409, []string{`"handle_taken"`}, nil},
		{"a taken email is a conflict naming the email", "POST", "/api/v1/auth/signup", signUpBody("someone_else", "Chen@Example.com"),
			409, []string{`"code":"email_taken"`, `"email":`}, nil},
		{"a released handle is free again after an email conflict", "POST", "/api/v1/auth/signup", signUpBody("someone_else", "else@example.com"),
			201, []string{`"handle":"someone_else"`}, nil},
		{"every bad field is named", "POST", "/api/v1/auth/signup",
			map[string]string{"email": "not-an-email", "password": "short", "handle": "a!", "display_name": ""},
			422, []string{`"email":`, `"password":`, `"handle":`, `"display_name":`}, nil},
		{"a reserved handle is refused", "POST", "/api/v1/auth/signup", signUpBody("admin", "admin@example.com"),
			422, []string{`"handle":"This handle is reserved."`}, nil},
		{"a handle longer than 30 is refused", "POST", "/api/v1/auth/signup", signUpBody(strings.Repeat("a", 31), "long@example.com"),
			422, []string{`"handle":`}, nil},
		{"an overlong display name is refused", "POST", "/api/v1/auth/signup",
			map[string]string{"email": "x@example.com", "password": "a long enough password", "handle": "xxx", "display_name": strings.Repeat("名", 51)},
			422, []string{`"display_name":"This is too long."`}, nil},
		{"a guessable password is refused", "POST", "/api/v1/auth/signup",
			map[string]string{"email": "y@example.com", "password": "password123", "handle": "yyy", "display_name": "Y"},
			422, []string{`"password":`}, nil},
		{"malformed JSON is a 400", "POST", "/api/v1/auth/signup", `{"email": `, 400, []string{`"code":"malformed_request"`}, nil},
		{"a wrong type names the field", "POST", "/api/v1/auth/signup", `{"email": 5}`, 422, []string{`"email":"must be a string"`}, nil},
		{"an unknown field is named", "POST", "/api/v1/auth/signup", `{"emial": "a@b.co"}`, 422, []string{`"emial":"unknown field"`}, nil},
		{"two JSON values are refused", "POST", "/api/v1/auth/signup", `{} {}`, 400, []string{`"malformed_request"`}, nil},
		{"a form post to the API is unsupported", "POST", "/api/v1/auth/signup", nil, 415, []string{`"unsupported_media_type"`},
			[]string{"Content-Type", "application/x-www-form-urlencoded"}},
		{"an oversized body is a 413", "POST", "/api/v1/auth/signup", `{"bio": "` + strings.Repeat("x", 2<<20) + `"}`, 413, []string{`"body_too_large"`}, nil},
	})
}

func TestSignInSessionsAndProfileFollowTheContract(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := rig.Client(t)
	owner.SignUp("mei_ling")
	visitor := rig.Client(t)
	run(t, visitor, []scenario{
		{"the right password signs in", "POST", "/api/v1/auth/login", map[string]string{"email": "MEI_LING@example.com", "password": "a long enough password"},
			200, []string{`"token":"`, `"email":"mei_ling@example.com"`}, nil},
		{"a wrong password is a 401", "POST", "/api/v1/auth/login", map[string]string{"email": "mei_ling@example.com", "password": "wrong password!!"},
			401, []string{`"code":"wrong_credentials"`}, nil},
		{"an unknown email is the same 401", "POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.com", "password": "wrong password!!"},
			401, []string{`"code":"wrong_credentials"`}, nil},
		{"empty credentials name the fields", "POST", "/api/v1/auth/login", map[string]string{}, 422, []string{`"email":`, `"password":`}, nil},
		{"me without a token is a 401", "GET", "/api/v1/me", nil, 401, []string{`"code":"unauthenticated"`}, nil},
		{"a public profile shows public fields only", "GET", "/api/v1/users/mei_ling", nil, 200, []string{`"handle":"mei_ling"`}, nil},
		{"an unknown handle is a 404", "GET", "/api/v1/users/nobody_here", nil, 404, []string{`"not_found"`}, nil},
		{"an unknown API route is a JSON 404", "GET", "/api/v1/no/such/thing", nil, 404, []string{`"code":"not_found"`}, nil},
		{"a garbage bearer token is a 401", "GET", "/api/v1/me", nil, 401, []string{`"unauthenticated"`}, []string{"Authorization", "Bearer nope"}},
	})
	if r := visitor.Do("GET", "/api/v1/users/mei_ling", nil); strings.Contains(string(r.Body), "email") {
		t.Errorf("public profile leaks the email: %s", r.Body)
	}
	run(t, owner, []scenario{
		{"me with a token is the user", "GET", "/api/v1/me", nil, 200, []string{`"handle":"mei_ling"`, `"email":"mei_ling@example.com"`}, nil},
		{"a profile change is saved", "PATCH", "/api/v1/me", map[string]string{"bio": "做皮具十年", "locale": "zh-CN"}, 200, []string{`"bio":"做皮具十年"`, `"locale":"zh-CN"`}, nil},
		{"the change is there on the next read", "GET", "/api/v1/users/mei_ling", nil, 200, []string{`"bio":"做皮具十年"`}, nil},
		{"an unknown locale is refused", "PATCH", "/api/v1/me", map[string]string{"locale": "fr"}, 422, []string{`"locale":`}, nil},
		{"a bio over 500 characters is refused", "PATCH", "/api/v1/me", map[string]string{"bio": strings.Repeat("字", 501)}, 422, []string{`"bio":"This is too long."`}, nil},
		{"an avatar that was never uploaded is refused", "PATCH", "/api/v1/me", map[string]string{"avatar_media_id": "m123"}, 422, []string{`"avatar_media_id":`}, nil},
		{"an empty display name is refused", "PATCH", "/api/v1/me", map[string]string{"display_name": "  "}, 422, []string{`"display_name":"This field is required."`}, nil},
		{"signing out ends the session", "POST", "/api/v1/auth/logout", nil, 204, nil, nil},
		{"the old token no longer works", "GET", "/api/v1/me", nil, 401, nil, nil},
	})
}

func TestOfTwentyRacingSignUpsForOneHandleExactlyOneWins(t *testing.T) {
	rig := testrig.MustStart(t)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := rig.Client(t)
			r := c.Do("POST", "/api/v1/auth/signup", signUpBody("the_one", "racer"+strings.Repeat("x", i)+"@example.com"))
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			won++
		case http.StatusConflict:
			lost++
		}
	}
	if won != 1 || lost != 19 {
		t.Fatalf("%d won, %d got 409, statuses %v", won, lost, statuses)
	}
	// The winner's email owns the handle; every loser's email is free again.
	for i := range statuses {
		if statuses[i] == http.StatusConflict {
			c := rig.Client(t)
			r := c.Do("POST", "/api/v1/auth/signup", signUpBody("loser_"+strings.Repeat("x", i+1), "racer"+strings.Repeat("x", i)+"@example.com"))
			if r.Status != http.StatusCreated {
				t.Fatalf("a loser's email stayed claimed: %d %s", r.Status, r.Body)
			}
			break
		}
	}
}

func TestACookieSessionNeedsTheCSRFTokenToWrite(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	// Sign up through the page: the browser way, with the form's token.
	page := c.Do("GET", "/signup", nil)
	token := between(string(page.Body), `name="_csrf" value="`, `"`)
	if token == "" {
		t.Fatalf("the sign-up form has no CSRF token: %s", page.Body)
	}
	form := "email=a%40example.com&password=a+long+enough+password&handle=page_user&display_name=Page&_csrf=" + token
	r := c.Do("POST", "/signup", nil, "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != http.StatusForbidden {
		t.Fatalf("a form without the token: %d, want 403", r.Status)
	}
	r = postForm(t, c, "/signup", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign-up form: %d %s", r.Status, r.Body)
	}
	run(t, c, []scenario{
		{"a cookie session reads the API", "GET", "/api/v1/me", nil, 200, []string{`"page_user"`}, nil},
		{"a cookie write without the token is refused", "PATCH", "/api/v1/me", map[string]string{"bio": "x"}, 403, []string{`"csrf_failed"`}, nil},
		{"a cookie write with the token goes through", "PATCH", "/api/v1/me", map[string]string{"bio": "x"}, 200, []string{`"bio":"x"`}, []string{"X-CSRF-Token", token}},
	})
}

func TestSignInIsRateLimitedPerAccountWithRetryAfter(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_RATELIMIT", "on"),
		testrig.WithEnv("GUILDHALL_RATELIMIT_SIGNIN_ACCOUNT", "3/10m"))
	c := rig.Client(t)
	c.SignUp("limited")
	bad := map[string]string{"email": "limited@example.com", "password": "not the password"}
	for i := range 3 {
		if r := c.Do("POST", "/api/v1/auth/login", bad); r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "limited@example.com", "password": "a long enough password"})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("4th attempt: %d, Retry-After %q: %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}

func TestReadyzNamesTheBackingServiceThatIsDown(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	run(t, c, []scenario{
		{"all up is ready", "GET", "/readyz", nil, 200, []string{`"mongodb":"ok"`, `"search":"ok"`, `"storage":"ok"`}, nil},
		{"healthz is alive", "GET", "/healthz", nil, 200, []string{`"ok"`}, nil},
	})
	if err := rig.App.Index.Close(); err != nil {
		t.Fatal(err)
	}
	run(t, c, []scenario{
		{"a closed search index is named", "GET", "/readyz", nil, 503, []string{`"failing":["search"]`, `"mongodb":"ok"`}, nil},
	})
}

func TestMetricsCountRequestsByRouteAndMongoCommands(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	c.SignUp("metered")
	c.Do("GET", "/api/v1/users/metered", nil)
	r := c.Do("GET", "/metrics", nil)
	for _, want := range []string{
		`guildhall_http_requests_total{method="GET",route="/api/v1/users/:handle",status="200"} 1`,
		`guildhall_mongo_commands_total{command="insert"}`,
		`guildhall_index_queue_depth 0`,
		`guildhall_http_request_duration_seconds_bucket`,
	} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestEveryLogLineOfARequestCarriesItsRequestID(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	r := c.Do("GET", "/api/v1/users/nobody_here", nil, "X-Request-ID", "trace-abcdef123")
	if r.Header.Get("X-Request-ID") != "trace-abcdef123" {
		t.Fatalf("request id not echoed: %q", r.Header.Get("X-Request-ID"))
	}
	if !strings.Contains(rig.Logs.String(), `"request_id":"trace-abcdef123"`) {
		t.Fatalf("no log line names the request id:\n%s", rig.Logs.String())
	}
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

func postForm(t *testing.T, c *testrig.Client, path, form string) *testrig.Response {
	t.Helper()
	req, err := http.NewRequest("POST", strings.TrimSuffix(c.BaseURL(), "/")+path, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header}
}

func TestOnlyAdminsChangeRoles(t *testing.T) {
	rig := testrig.MustStart(t)
	boss := rig.Client(t)
	boss.SignUp("boss")
	if _, err := rig.App.Accounts.ChangeRoles(context.Background(), "boss", []string{"admin"}, nil); err != nil {
		t.Fatal(err)
	}
	member := rig.Client(t)
	member.SignUp("member")
	run(t, member, []scenario{
		{"a member may not grant roles", "POST", "/api/v1/admin/users/member/roles", map[string]any{"add": []string{"admin"}}, 403, []string{`"needs_role_admin"`}, nil},
	})
	run(t, boss, []scenario{
		{"an admin makes a curator", "POST", "/api/v1/admin/users/member/roles", map[string]any{"add": []string{"curator"}}, 200, []string{`"roles":["curator"]`}, nil},
		{"an unknown role is named", "POST", "/api/v1/admin/users/member/roles", map[string]any{"add": []string{"king"}}, 422, []string{`"roles":`}, nil},
		{"an unknown user is a 404", "POST", "/api/v1/admin/users/nobody_here/roles", map[string]any{"add": []string{"curator"}}, 404, nil, nil},
		{"and the role can be taken back", "POST", "/api/v1/admin/users/member/roles", map[string]any{"remove": []string{"curator"}}, 200, []string{`"roles":[]`}, nil},
	})
}

func TestTheOpenAPIDocumentDescribesTheAPI(t *testing.T) {
	rig := testrig.MustStart(t)
	r := rig.Client(t).Do("GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI string
		Paths   map[string]map[string]any
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	// Every API route the app serves is described, and every described
	// one is served.
	served := map[string]bool{}
	for _, rt := range rig.App.Handler.Routes() {
		path, ok := strings.CutPrefix(rt.Path, "/api/v1")
		if !ok || path == "/*" || path == "/openapi.json" || strings.HasPrefix(rt.Method, "echo_route") {
			continue
		}
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		served[strings.ToLower(rt.Method)+" "+strings.Join(parts, "/")] = true
		if _, ok := doc.Paths[strings.Join(parts, "/")][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("the document lacks %s %s", rt.Method, strings.Join(parts, "/"))
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !served[method+" "+path] {
				t.Errorf("the document describes %s %s, which no route serves", method, path)
			}
		}
	}
}
