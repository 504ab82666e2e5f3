package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"guildhall/internal/platform/mail/mailpittest"
	"guildhall/internal/testrig"
)

func signIn(t *testing.T, rig *testrig.Rig, handle, password, userAgent string) *testrig.Client {
	t.Helper()
	c := rig.Client(t)
	r := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": handle + "@example.com", "password": password}, "User-Agent", userAgent)
	if r.Status != http.StatusOK {
		t.Fatalf("sign in %s: %d %s", handle, r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(t, &out)
	c.Token = out.Token
	return c
}

func TestChangingThePasswordEndsEveryOtherSession(t *testing.T) {
	rig := testrig.MustStart(t)
	phone := rig.Client(t)
	phone.SignUp("careful")
	laptop := signIn(t, rig, "careful", "a long enough password", "Firefox on Linux")
	numbered(t).run(phone, []scenario{
		{Name: "a wrong current password is a 401", Method: "POST", Path: "/api/v1/me/password", Body: map[string]string{"current_password": "guess", "new_password": "a fresh passphrase"}, Status: 401, Expected: []string{`"wrong_password"`}},
		{Name: "a common new password is refused", Method: "POST", Path: "/api/v1/me/password", Body: map[string]string{"current_password": "a long enough password", "new_password": "qwertyuiop"}, Status: 422, Expected: []string{`"new_password":"This password is too easy to guess."`}},
		{Name: "a password of spaces is refused", Method: "POST", Path: "/api/v1/me/password", Body: map[string]string{"current_password": "a long enough password", "new_password": "            "}, Status: 422, Expected: []string{`"new_password":"A password cannot be only spaces."`}},
		{Name: "the right one changes it", Method: "POST", Path: "/api/v1/me/password", Body: map[string]string{"current_password": "a long enough password", "new_password": "a fresh passphrase"}, Status: 204},
		{Name: "this session goes on", Method: "GET", Path: "/api/v1/me", Status: 200},
	})
	numbered(t).run(laptop, []scenario{
		{Name: "the other session has ended", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
	signIn(t, rig, "careful", "a fresh passphrase", "")
	if r := rig.Client(t).Do("POST", "/api/v1/auth/login", map[string]string{"email": "careful@example.com", "password": "a long enough password"}); r.Status != http.StatusUnauthorized {
		t.Fatalf("the old password still signs in: %d", r.Status)
	}
}

func TestSessionsAreListedAndEndedOneByOneOrEverywhereElse(t *testing.T) {
	rig := testrig.MustStart(t)
	phone := rig.Client(t)
	phone.SignUp("traveller")
	laptop := signIn(t, rig, "traveller", "a long enough password", "Firefox on Linux")
	tablet := signIn(t, rig, "traveller", "a long enough password", "Safari on iPad")
	r := laptop.Do("GET", "/api/v1/me/sessions", nil)
	var list struct {
		Items []struct {
			ID        string
			UserAgent string `json:"user_agent"`
			Current   bool
		}
	}
	r.JSON(t, &list)
	if len(list.Items) != 3 || !list.Items[0].Current || list.Items[0].UserAgent != "Firefox on Linux" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("sessions: %s", r.Body)
	}
	var ipad string
	for _, it := range list.Items {
		if it.UserAgent == "Safari on iPad" {
			ipad = it.ID
		}
	}
	numbered(t).run(laptop, []scenario{
		{Name: "one session is ended", Method: "DELETE", Path: "/api/v1/me/sessions/" + ipad, Status: 204},
		{Name: "a session not yours is a 404", Method: "DELETE", Path: "/api/v1/me/sessions/" + ipad, Status: 404},
	})
	numbered(t).run(tablet, []scenario{
		{Name: "the ended one no longer works", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
	numbered(t).run(laptop, []scenario{
		{Name: "sign out everywhere else", Method: "DELETE", Path: "/api/v1/me/sessions", Status: 204},
	})
	numbered(t).run(phone, []scenario{
		{Name: "the phone is signed out", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
	r = laptop.Do("GET", "/api/v1/me/sessions", nil)
	if strings.Count(string(r.Body), `"id"`) != 1 || !strings.Contains(string(r.Body), `"current":true`) {
		t.Fatalf("after signing out elsewhere: %s", r.Body)
	}
}

// A rig whose mail goes to a real Mailpit.
func mailRig(t *testing.T) (*testrig.Rig, *mailpittest.Server) {
	mp := mailpittest.Start(t)
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_SMTP_URL", "smtp://guildhall:dev-only-password@"+mp.SMTP),
		testrig.WithEnv("GUILDHALL_SMTP_FROM", "Guildhall <noreply@guildhall.example>"), testrig.WithEnv("GUILDHALL_BASE_URL", "http://localhost:8080"))
	return rig, mp
}

var resetToken = regexp.MustCompile(`/reset\?token=([A-Za-z0-9_%-]+)`)

func TestAPasswordResetIsMailedWorksOnceAndEndsEverySession(t *testing.T) {
	rig, mp := mailRig(t)
	owner := rig.Client(t)
	owner.SignUp("absent_minded")
	stranger := rig.Client(t)
	unknown := stranger.Do("POST", "/api/v1/auth/password-reset", map[string]string{"email": "nobody@example.com"})
	known := stranger.Do("POST", "/api/v1/auth/password-reset", map[string]string{"email": "Absent_Minded@example.com"})
	if unknown.Status != http.StatusAccepted || known.Status != http.StatusAccepted || string(unknown.Body) != string(known.Body) {
		t.Fatalf("known %d %q and unknown %d %q addresses must be answered alike", known.Status, known.Body, unknown.Status, unknown.Body)
	}
	m := mp.WaitFor(t, "absent_minded@example.com", 20*time.Second)
	if m.Subject != "Reset your Guildhall password" || !strings.Contains(m.HTML, `href="http://localhost:8080/reset?token=`) {
		t.Fatalf("the mail: %q\n%s", m.Subject, m.HTML)
	}
	if len(mp.To(t, "nobody@example.com")) != 0 {
		t.Fatal("a mail went to an address no account has")
	}
	match := resetToken.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no link in %q", m.Text)
	}
	token, _ := url.QueryUnescape(match[1])
	numbered(t).run(stranger, []scenario{
		{Name: "a made-up token is a 400", Method: "POST", Path: "/api/v1/auth/password-reset/confirm", Body: map[string]string{"token": "made-up", "new_password": "a brand new passphrase"}, Status: 400, Expected: []string{`"reset_token_invalid"`}},
		{Name: "a weak password is refused and keeps the link", Method: "POST", Path: "/api/v1/auth/password-reset/confirm", Body: map[string]string{"token": token, "new_password": "short"}, Status: 422, Expected: []string{`"new_password":`}},
		{Name: "the link sets a new password", Method: "POST", Path: "/api/v1/auth/password-reset/confirm", Body: map[string]string{"token": token, "new_password": "a brand new passphrase"}, Status: 204},
		{Name: "and works only once", Method: "POST", Path: "/api/v1/auth/password-reset/confirm", Body: map[string]string{"token": token, "new_password": "yet another passphrase"}, Status: 400, Expected: []string{`"reset_token_invalid"`}},
	})
	numbered(t).run(owner, []scenario{
		{Name: "every session has ended", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
	signIn(t, rig, "absent_minded", "a brand new passphrase", "")

	// In Chinese for someone whose browser asks for it.
	rig.Client(t).SignUp("jiang_wei")
	stranger.Do("POST", "/api/v1/auth/password-reset", map[string]string{"email": "jiang_wei@example.com"}, "Accept-Language", "zh-CN,zh;q=0.9")
	if m := mp.WaitFor(t, "jiang_wei@example.com", 20*time.Second); m.Subject != "重设你的 Guildhall 密码" || !strings.Contains(m.Text, "链接只能使用一次") {
		t.Fatalf("the Chinese mail: %q %q", m.Subject, m.Text)
	}
	if strings.Contains(rig.Logs.String(), "dev-only-password") {
		t.Error("the log shows the SMTP password")
	}
}

func TestWithoutSMTPTheResetLinkIsLoggedForTheOperator(t *testing.T) {
	rig := testrig.MustStart(t)
	rig.Client(t).SignUp("no_mail")
	if r := rig.Client(t).Do("POST", "/api/v1/auth/password-reset", map[string]string{"email": "no_mail@example.com"}); r.Status != http.StatusAccepted {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	for _, line := range strings.Split(rig.Logs.String(), "\n") {
		if strings.Contains(line, "/reset?token=") {
			if !strings.Contains(line, `"level":"WARN"`) {
				t.Fatalf("the link is logged, but not as a warning: %s", line)
			}
			return
		}
	}
	t.Fatalf("no reset link in the log:\n%s", rig.Logs.String())
}

func csrfCookie(t *testing.T, rig *testrig.Rig, c *testrig.Client) string {
	u, _ := url.Parse(rig.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "guildhall_csrf" {
			return ck.Value
		}
	}
	return ""
}

func TestTheCSRFTokenChangesAtSignIn(t *testing.T) {
	rig := testrig.MustStart(t)
	rig.Client(t).SignUp("rotating")
	c := rig.Client(t)
	before := func() string { c.Do("GET", "/signin", nil); return csrfCookie(t, rig, c) }()
	r := csrfForm(t, rig, c, "/signin", url.Values{"email": {"rotating@example.com"}, "password": {"a long enough password"}})
	after := csrfCookie(t, rig, c)
	if r.Status != http.StatusSeeOther || before == "" || after == "" || before == after {
		t.Fatalf("sign-in %d: token before %q, after %q", r.Status, before, after)
	}
}

// The account pages work without JavaScript, in both languages.
func TestThePasswordAndSessionPagesWorkInBothLanguages(t *testing.T) {
	rig, mp := mailRig(t)
	phone := rig.Client(t)
	phone.SignUp("page_person")
	laptop := signIn(t, rig, "page_person", "a long enough password", "Firefox on Linux")
	for _, lang := range []string{"en", "zh-CN"} {
		for path, want := range map[string]map[string]string{
			"/settings/password": {"en": "Change your password", "zh-CN": "修改密码"},
			"/settings/sessions": {"en": "Sign out everywhere else", "zh-CN": "退出其他所有设备"},
			"/forgot":            {"en": "Send the link", "zh-CN": "发送链接"},
			"/reset?token=x":     {"en": "Set the new password", "zh-CN": "设置新密码"},
		} {
			r := laptop.Do("GET", path+map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")]+"lang="+lang, nil, "Accept", "text/html")
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), want[lang]) {
				t.Errorf("%s in %s: %d, lacks %q", path, lang, r.Status, want[lang])
			}
		}
	}
	if r := laptop.Do("GET", "/settings/sessions", nil, "Accept", "text/html"); !strings.Contains(string(r.Body), "Firefox on Linux") {
		t.Fatalf("the sessions page lacks this device:\n%s", r.Body)
	}
	redirected(t, "changing the password", pageForm(t, laptop, "/settings/password",
		url.Values{"current_password": {"a long enough password"}, "new_password": {"a paged passphrase"}}), "/settings/sessions?password=1")
	numbered(t).run(phone, []scenario{
		{Name: "the phone was signed out", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
	if r := pageForm(t, laptop, "/settings/password", url.Values{"current_password": {"wrong"}, "new_password": {"whatever it is"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), `data-testid="error-current_password"`) {
		t.Fatalf("a wrong current password on the page: %d\n%s", r.Status, r.Body)
	}
	redirected(t, "signing out elsewhere", pageForm(t, laptop, "/settings/sessions/end-others", url.Values{}), "/settings/sessions?ended=1")

	visitor := rig.Client(t)
	redirected(t, "asking for a link", csrfForm(t, rig, visitor, "/forgot", url.Values{"email": {"page_person@example.com"}}), "/forgot?sent=1")
	m := mp.WaitFor(t, "page_person@example.com", 20*time.Second)
	match := resetToken.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no link in %q", m.Text)
	}
	token, _ := url.QueryUnescape(match[1])
	redirected(t, "setting a new password", csrfForm(t, rig, visitor, "/reset", url.Values{"token": {token}, "new_password": {"a mailed passphrase"}}), "/signin?reset=1")
	if r := csrfForm(t, rig, visitor, "/reset", url.Values{"token": {token}, "new_password": {"a mailed passphrase"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("the link again: %d", r.Status)
	}
	numbered(t).run(laptop, []scenario{
		{Name: "the reset signed the laptop out", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
}

func TestTheAccountPagesStayWithinTheirBudget(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	c.SignUp("frugal")
	signIn(t, rig, "frugal", "a long enough password", "Firefox on Linux")
	for page, token := range map[string]string{"/settings/sessions": c.Token, "/settings/password": c.Token, "/forgot": "", "/reset?token=x": ""} {
		cmds, searches := pageCost(t, rig, page, token)
		// The session and its user, read by _id; the sessions list is on the user.
		if len(cmds) > 2 || searches > 0 {
			t.Errorf("%s: %d MongoDB commands, %d searches; budget 2 and 0: %v", page, len(cmds), searches, names(cmds))
		}
		for _, cmd := range cmds {
			if !cmd.ByID() {
				t.Errorf("%s sends %s to %s that is not a lookup by _id: %s", page, cmd.Name, cmd.Collection, cmd.Body)
			}
		}
	}
}
