package account

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"guildhall/internal/problem"
)

// mailbox is a Mailer that keeps what it was asked to send.
type mailbox struct{ sent chan ResetMail }

func (m *mailbox) PasswordReset(_ context.Context, r ResetMail) error { m.sent <- r; return nil }

func TestCheckPasswordRefusesTheShippedListAndSpaces(t *testing.T) {
	refused := 0
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line == "" || strings.HasPrefix(line, "#") || len(line) < 10 {
			continue
		}
		f := map[string]string{}
		checkPassword(line, "a@example.com", "someone", f)
		if f["password"] != "password_common" {
			t.Fatalf("%q from the list: %v", line, f)
		}
		f = map[string]string{}
		if checkPassword(strings.ToUpper(line[:1])+line[1:], "a@example.com", "someone", f); f["password"] != "password_common" && line != strings.ToUpper(line) {
			t.Fatalf("%q with a capital: %v", line, f)
		}
		refused++
	}
	if len(commonPasswords()) < 10_000 || refused < 100 {
		t.Fatalf("%d entries, %d of ten characters or more", len(commonPasswords()), refused)
	}
	for p, want := range map[string]string{"            ": "password_spaces", "\t \t \t \t \t ": "password_spaces",
		"correct horse battery staple": "", "一个足够长的中文密码短语": ""} {
		f := map[string]string{}
		checkPassword(p, "a@example.com", "someone", f)
		if f["password"] != want {
			t.Errorf("%q: %q, want %q", p, f["password"], want)
		}
	}
}

func TestAuthenticate_ASessionUnusedForTheIdleTimeEnds(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	now := time.Now()
	s.now = func() time.Time { return now }
	_, token, err := s.SignUp(ctx, signUp("idle_one"), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(13 * 24 * time.Hour)
	if _, err := s.Authenticate(ctx, token); err != nil {
		t.Fatalf("after 13 days: %v", err)
	}
	now = now.Add(13 * 24 * time.Hour) // used on day 13, so 13 more idle days are fine
	if _, err := s.Authenticate(ctx, token); err != nil {
		t.Fatalf("13 idle days after the last use: %v", err)
	}
	now = now.Add(14*24*time.Hour + time.Minute)
	if _, err := s.Authenticate(ctx, token); problem.KindOf(err) != problem.KindUnauthorized {
		t.Fatalf("14 idle days: %v, want unauthorized", err)
	}
}

func TestEndOtherSessions_KeepsOnlyTheCaller(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	u, first, _ := s.SignUp(ctx, signUp("many_devices"), "192.0.2.1")
	tokens := []string{first}
	for _, ua := range []string{"Firefox on Linux", "WeChat on iPhone"} {
		_, tok, err := s.SignIn(ctx, Credentials{Email: u.Email, Password: "a long enough password", UserAgent: ua}, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	me, _ := s.Authenticate(ctx, tokens[1])
	list := s.Sessions(me, tokens[1])
	if len(list) != 3 || !list[0].Current || list[0].UserAgent != "Firefox on Linux" || list[1].Current {
		t.Fatalf("sessions: %+v", list)
	}
	if err := s.EndSession(ctx, me, "nope"); problem.KindOf(err) != problem.KindNotFound {
		t.Fatalf("ending a session that is not yours: %v", err)
	}
	if err := s.EndOtherSessions(ctx, me, tokens[1]); err != nil {
		t.Fatal(err)
	}
	for i, tok := range tokens {
		_, err := s.Authenticate(ctx, tok)
		if (i == 1) != (err == nil) {
			t.Errorf("token %d after signing out elsewhere: %v", i, err)
		}
	}
	n, _ := s.sessions.CountDocuments(ctx, map[string]any{})
	if n != 1 {
		t.Errorf("%d session documents left, want 1", n)
	}
}

func TestNewSession_APastTheLimitEndsTheOneUnusedLongest(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	now := time.Now()
	s.now = func() time.Time { now = now.Add(time.Second); return now }
	u, oldest, _ := s.SignUp(ctx, signUp("hoarder"), "192.0.2.1")
	for range maxSessions {
		if _, _, err := s.SignIn(ctx, Credentials{Email: u.Email, Password: "a long enough password"}, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Authenticate(ctx, oldest); err == nil {
		t.Fatal("the oldest of 21 sessions still works")
	}
	me, _ := s.userByID(ctx, u.ID)
	if len(me.Sessions) != maxSessions {
		t.Fatalf("%d sessions listed", len(me.Sessions))
	}
}

func TestConfirmPasswordReset(t *testing.T) {
	s, _ := mustOpen(t)
	box := &mailbox{sent: make(chan ResetMail, 4)}
	s.mailer = box
	s.opt.BaseURL = "https://guildhall.example"
	ctx := context.Background()
	now := time.Now()
	s.now = func() time.Time { return now }
	u, session, _ := s.SignUp(ctx, signUp("forgetful"), "192.0.2.1")
	request := func() string {
		t.Helper()
		if err := s.RequestPasswordReset(ctx, ResetRequest{Email: "FORGETFUL@example.com"}, "192.0.2.1", "en"); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-box.sent:
			link, _ := url.Parse(m.Link)
			if m.To != u.Email || !strings.HasPrefix(m.Link, "https://guildhall.example/reset?token=") || m.ValidFor != time.Hour {
				t.Fatalf("mail %+v", m)
			}
			return link.Query().Get("token")
		case <-time.After(10 * time.Second):
			t.Fatal("no reset mail")
		}
		return ""
	}
	bad := func(err error) bool { p, ok := problem.As(err); return ok && p.Code == "reset_token_invalid" }

	if err := s.RequestPasswordReset(ctx, ResetRequest{Email: "nobody@example.com"}, "192.0.2.1", "en"); err != nil {
		t.Fatalf("an unknown address answers as a known one: %v", err)
	}
	select {
	case m := <-box.sent:
		t.Fatalf("mail to an unknown address: %+v", m)
	default:
	}

	t.Run("ExpiresAfterAnHour", func(t *testing.T) {
		token := request()
		now = now.Add(time.Hour + time.Second)
		if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: token, NewPassword: "a brand new passphrase"}); !bad(err) {
			t.Fatalf("an hour and a second later: %v", err)
		}
	})
	t.Run("AWeakPasswordKeepsTheLink", func(t *testing.T) {
		token := request()
		if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: token, NewPassword: "qwertyuiop"}); problem.KindOf(err) != problem.KindInvalid {
			t.Fatalf("a common password: %v", err)
		}
		if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: token, NewPassword: "a brand new passphrase"}); err != nil {
			t.Fatalf("the same link with a good password: %v", err)
		}
		if _, err := s.Authenticate(ctx, session); err == nil {
			t.Fatal("a session from before the reset still works")
		}
		if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: token, NewPassword: "another new passphrase"}); !bad(err) {
			t.Fatalf("the link used twice: %v", err)
		}
		if _, _, err := s.SignIn(ctx, Credentials{Email: u.Email, Password: "a brand new passphrase"}, "192.0.2.1"); err != nil {
			t.Fatalf("signing in with the new password: %v", err)
		}
	})
	t.Run("AnOlderLinkDiesWithAPasswordChange", func(t *testing.T) {
		older := request()
		now = now.Add(time.Minute)
		newer := request()
		now = now.Add(time.Minute)
		if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: newer, NewPassword: "a third new passphrase"}); err != nil {
			t.Fatal(err)
		}
		if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: older, NewPassword: "a fourth new passphrase"}); !bad(err) {
			t.Fatalf("an older link after the password changed: %v", err)
		}
	})
	t.Run("RacingUsesOneWins", func(t *testing.T) {
		now = now.Add(2 * time.Hour) // a fresh hour for the per-address limit
		token := request()
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.ConfirmPasswordReset(ctx, ResetConfirm{Token: token, NewPassword: "racing new passphrase"})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if !bad(err) {
				t.Fatalf("a racer: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of 10 racing uses won", won)
		}
	})
	if err := s.ConfirmPasswordReset(ctx, ResetConfirm{Token: "made-up"}); !bad(err) {
		t.Fatalf("a made-up token: %v", err)
	}
}
