package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"guildhall/internal/testrig"
)

// scenario is one request and what its answer must and must not hold
// (PocketBase's ApiScenario, with its NotExpectedContent).
type scenario struct {
	Name        string
	As          *testrig.Client // who sends it, in a list of many viewers; else run's client
	Method      string
	Path        string
	Body        any      // a string is sent as is, anything else as JSON
	Header      []string // name, value, …
	Status      int
	Expected    []string // substrings the body must hold
	NotExpected []string // substrings it must not: what would be a leak
}

// steps runs a test's scenarios in order and numbers them across all its
// run calls (01_…, 02_…): a step may depend on every one before it, so
// -run on step 05 alone is known to need 01 to 04.
type steps struct {
	t *testing.T
	n int
}

func numbered(t *testing.T) *steps { return &steps{t: t} }

func (s *steps) run(c *testrig.Client, cases []scenario) {
	s.t.Helper()
	for _, sc := range cases {
		s.n++
		s.t.Run(fmt.Sprintf("%02d_%s", s.n, sc.Name), func(t *testing.T) {
			who := c
			if sc.As != nil {
				who = sc.As
			}
			r := who.Do(sc.Method, sc.Path, sc.Body, sc.Header...)
			if r.Status != sc.Status {
				t.Fatalf("%s %s: status %d, want %d: %s", sc.Method, sc.Path, r.Status, sc.Status, r.Body)
			}
			for _, w := range sc.Expected {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("%s %s: body lacks %q: %s", sc.Method, sc.Path, w, r.Body)
				}
			}
			for _, w := range sc.NotExpected {
				if strings.Contains(string(r.Body), w) {
					t.Errorf("%s %s: body holds %q: %s", sc.Method, sc.Path, w, r.Body)
				}
			}
		})
	}
}

func signUpBody(handle, email string) map[string]string {
	return map[string]string{"email": email, "password": "a long enough password", "handle": handle, "display_name": "陈小北"}
}

func TestSignUpAnswersEveryKindOfInputAsTheContractSays(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	steps.run(c, []scenario{
		{Name: "a valid sign-up creates the user and a token", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody("chen_xb", "chen@example.com"), Status: 201,
			Expected: []string{`"handle":"chen_xb"`, `"display_name":"陈小北"`, `"token":"`}},
		{Name: "a taken handle is a conflict naming the handle", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody("chen_xb", "other@example.com"), Status: 409,
			Expected: []string{`"code":"handle_taken"`, `"handle":`}},
		{Name: "a handle differing only in case is taken too", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody("CHEN_XB", "other@example.com"), Status: 409, Expected: []string{`"handle_taken"`}},
		{Name: "a taken email is a conflict naming the email", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody("someone_else", "Chen@Example.com"), Status: 409,
			Expected: []string{`"code":"email_taken"`, `"email":`}},
		{Name: "a released handle is free again after an email conflict", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody("someone_else", "else@example.com"), Status: 201,
			Expected: []string{`"handle":"someone_else"`}},
		{Name: "every bad field is named", Method: "POST", Path: "/api/v1/auth/signup",
			Body:   map[string]string{"email": "not-an-email", "password": "short", "handle": "a!", "display_name": ""},
			Status: 422, Expected: []string{`"email":`, `"password":`, `"handle":`, `"display_name":`}},
		{Name: "a reserved handle is refused", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody("admin", "admin@example.com"), Status: 422,
			Expected: []string{`"handle":"This handle is reserved."`}},
		{Name: "a handle longer than 30 is refused", Method: "POST", Path: "/api/v1/auth/signup",
			Body: signUpBody(strings.Repeat("a", 31), "long@example.com"), Status: 422, Expected: []string{`"handle":`}},
		{Name: "an overlong display name is refused", Method: "POST", Path: "/api/v1/auth/signup",
			Body:   map[string]string{"email": "x@example.com", "password": "a long enough password", "handle": "xxx", "display_name": strings.Repeat("名", 51)},
			Status: 422, Expected: []string{`"display_name":"This is too long."`}},
		{Name: "a guessable password is refused", Method: "POST", Path: "/api/v1/auth/signup",
			Body:   map[string]string{"email": "y@example.com", "password": "password123", "handle": "yyy", "display_name": "Y"},
			Status: 422, Expected: []string{`"password":`}},
		{Name: "malformed JSON is a 400", Method: "POST", Path: "/api/v1/auth/signup", Body: `{"email": `, Status: 400,
			Expected: []string{`"code":"malformed_request"`}},
		{Name: "a wrong type names the field", Method: "POST", Path: "/api/v1/auth/signup", Body: `{"email": 5}`,
			Status: 422, Expected: []string{`"email":"must be a string"`}},
		{Name: "an unknown field is named", Method: "POST", Path: "/api/v1/auth/signup", Body: `{"emial": "a@b.co"}`,
			Status: 422, Expected: []string{`"emial":"unknown field"`}},
		{Name: "two JSON values are refused", Method: "POST", Path: "/api/v1/auth/signup", Body: `{} {}`, Status: 400,
			Expected: []string{`"malformed_request"`}},
		{Name: "a form post to the API is unsupported", Method: "POST", Path: "/api/v1/auth/signup", Status: 415,
			Expected: []string{`"unsupported_media_type"`},
			Header:   []string{"Content-Type", "application/x-www-form-urlencoded"}},
		{Name: "an oversized body is a 413", Method: "POST", Path: "/api/v1/auth/signup",
			Body: `{"bio": "` + strings.Repeat("x", 2<<20) + `"}`, Status: 413, Expected: []string{`"body_too_large"`}},
	})
}

func TestSignInSessionsAndProfileFollowTheContract(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	owner := rig.Client(t)
	owner.SignUp("mei_ling")
	visitor := rig.Client(t)
	steps.run(visitor, []scenario{
		{Name: "the right password signs in", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "MEI_LING@example.com", "password": "a long enough password"}, Status: 200,
			Expected: []string{`"token":"`, `"email":"mei_ling@example.com"`}},
		{Name: "a wrong password is a 401", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "mei_ling@example.com", "password": "wrong password!!"}, Status: 401,
			Expected: []string{`"code":"wrong_credentials"`}},
		{Name: "an unknown email is the same 401", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "nobody@example.com", "password": "wrong password!!"}, Status: 401,
			Expected: []string{`"code":"wrong_credentials"`}},
		{Name: "empty credentials name the fields", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{}, Status: 422, Expected: []string{`"email":`, `"password":`}},
		{Name: "me without a token is a 401", Method: "GET", Path: "/api/v1/me", Status: 401,
			Expected: []string{`"code":"unauthenticated"`}},
		{Name: "a public profile shows public fields only", Method: "GET", Path: "/api/v1/users/mei_ling", Status: 200,
			Expected: []string{`"handle":"mei_ling"`}, NotExpected: []string{"email"}},
		{Name: "an unknown handle is a 404", Method: "GET", Path: "/api/v1/users/nobody_here", Status: 404,
			Expected: []string{`"not_found"`}},
		{Name: "an unknown API route is a JSON 404", Method: "GET", Path: "/api/v1/no/such/thing", Status: 404,
			Expected: []string{`"code":"not_found"`}},
		{Name: "a garbage bearer token is a 401", Method: "GET", Path: "/api/v1/me", Status: 401,
			Expected: []string{`"unauthenticated"`}, Header: []string{"Authorization", "Bearer nope"}},
	})
	steps.run(owner, []scenario{
		{Name: "me with a token is the user", Method: "GET", Path: "/api/v1/me", Status: 200,
			Expected: []string{`"handle":"mei_ling"`, `"email":"mei_ling@example.com"`}},
		{Name: "a profile change is saved", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"bio": "做皮具十年", "locale": "zh-CN"}, Status: 200,
			Expected: []string{`"bio":"做皮具十年"`, `"locale":"zh-CN"`}},
		{Name: "the change is there on the next read", Method: "GET", Path: "/api/v1/users/mei_ling", Status: 200,
			Expected: []string{`"bio":"做皮具十年"`}},
		{Name: "an unknown locale is refused", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"locale": "fr"}, Status: 422, Expected: []string{`"locale":`}},
		{Name: "a bio over 500 characters is refused", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"bio": strings.Repeat("字", 501)}, Status: 422,
			Expected: []string{`"bio":"This is too long."`}},
		{Name: "an avatar that was never uploaded is refused", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"avatar_media_id": "m123"}, Status: 422, Expected: []string{`"avatar_media_id":`}},
		{Name: "an empty display name is refused", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"display_name": "  "}, Status: 422,
			Expected: []string{`"display_name":"This field is required."`}},
		{Name: "signing out ends the session", Method: "POST", Path: "/api/v1/auth/logout", Status: 204},
		{Name: "the old token no longer works", Method: "GET", Path: "/api/v1/me", Status: 401},
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
	steps := numbered(t)
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
	// Signing up rotated the token: the one from before is worth nothing.
	fresh := csrfCookie(t, rig, c)
	steps.run(c, []scenario{
		{Name: "a cookie session reads the API", Method: "GET", Path: "/api/v1/me", Status: 200,
			Expected: []string{`"page_user"`}},
		{Name: "a cookie write without the token is refused", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"bio": "x"}, Status: 403, Expected: []string{`"csrf_failed"`}},
		{Name: "the token from before sign-up is refused", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"bio": "x"}, Status: 403, Expected: []string{`"csrf_failed"`},
			Header: []string{"X-CSRF-Token", token}},
		{Name: "a cookie write with the token goes through", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"bio": "x"}, Status: 200, Expected: []string{`"bio":"x"`},
			Header: []string{"X-CSRF-Token", fresh}},
	})
}

// Wrong passwords for someone else's account slow the address they come
// from, with a wait that grows; they never lock the owner out.
func TestSignInFailuresSlowOnlyTheAddressTheyCameFrom(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_RATELIMIT", "on"),
		testrig.WithEnv("GUILDHALL_RATELIMIT_SIGNIN_ACCOUNT", "3/10m"), testrig.WithEnv("GUILDHALL_TRUSTED_PROXIES", "127.0.0.1"))
	c := rig.Client(t)
	c.SignUp("limited")
	bad := map[string]string{"email": "limited@example.com", "password": "not the password"}
	good := map[string]string{"email": "limited@example.com", "password": "a long enough password"}
	attacker, owner := []string{"X-Forwarded-For", "203.0.113.66"}, []string{"X-Forwarded-For", "198.51.100.10"}
	for i := range 3 {
		if r := c.Do("POST", "/api/v1/auth/login", bad, attacker...); r.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.Status)
		}
	}
	r := c.Do("POST", "/api/v1/auth/login", good, attacker...)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the attacker's next try, even right: %d, Retry-After %q: %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if r := c.Do("POST", "/api/v1/auth/login", bad, owner...); r.Status != http.StatusUnauthorized {
		t.Fatalf("the owner's own typo from another address: %d, want 401", r.Status)
	}
	if r := c.Do("POST", "/api/v1/auth/login", good, owner...); r.Status != http.StatusOK {
		t.Fatalf("the owner signs in while someone else guesses: %d %s", r.Status, r.Body)
	}
}

func TestReadyzNamesTheBackingServiceThatIsDown(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	steps.run(c, []scenario{
		{Name: "all up is ready", Method: "GET", Path: "/readyz", Status: 200,
			Expected: []string{`"mongodb":"ok"`, `"search":"ok"`, `"storage":"ok"`}},
		{Name: "healthz is alive", Method: "GET", Path: "/healthz", Status: 200, Expected: []string{`"ok"`}},
	})
	if err := rig.App.Index.Close(); err != nil {
		t.Fatal(err)
	}
	steps.run(c, []scenario{
		{Name: "a closed search index is named", Method: "GET", Path: "/readyz", Status: 503,
			Expected: []string{`"failing":["search"]`, `"mongodb":"ok"`}},
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
	return c.Send(req)
}

func TestOnlyAdminsChangeRoles(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	boss := rig.Client(t)
	boss.SignUp("boss")
	if _, err := rig.App.Accounts.ChangeRoles(context.Background(), "boss", []string{"admin"}, nil); err != nil {
		t.Fatal(err)
	}
	member := rig.Client(t)
	member.SignUp("member")
	steps.run(member, []scenario{
		{Name: "a member may not grant roles", Method: "POST", Path: "/api/v1/admin/users/member/roles",
			Body: map[string]any{"add": []string{"admin"}}, Status: 403, Expected: []string{`"needs_role_admin"`}},
	})
	steps.run(boss, []scenario{
		{Name: "an admin makes a curator", Method: "POST", Path: "/api/v1/admin/users/member/roles",
			Body: map[string]any{"add": []string{"curator"}}, Status: 200, Expected: []string{`"roles":["curator"]`}},
		{Name: "an unknown role is named", Method: "POST", Path: "/api/v1/admin/users/member/roles",
			Body: map[string]any{"add": []string{"king"}}, Status: 422, Expected: []string{`"roles":`}},
		{Name: "an unknown user is a 404", Method: "POST", Path: "/api/v1/admin/users/nobody_here/roles",
			Body: map[string]any{"add": []string{"curator"}}, Status: 404},
		{Name: "and the role can be taken back", Method: "POST", Path: "/api/v1/admin/users/member/roles",
			Body: map[string]any{"remove": []string{"curator"}}, Status: 200, Expected: []string{`"roles":[]`}},
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
