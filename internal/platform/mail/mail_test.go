package mail_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"guildhall/internal/platform/mail"
	"guildhall/internal/platform/mail/mailpittest"
)

func TestSender_Send(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []mailpittest.Option
	}{{"plain SMTP on this machine", nil}, {"STARTTLS when the server offers it", []mailpittest.Option{mailpittest.WithTLS()}}} {
		t.Run(tc.name, func(t *testing.T) {
			mp := mailpittest.Start(t, tc.opts...)
			s, err := mail.New(mail.Config{URL: "smtp://mailer:dev-only-secret@" + mp.SMTP, From: "Guildhall <noreply@guildhall.example>",
				RootCAs: mp.RootCAs})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(s.String(), "dev-only-secret") {
				t.Fatalf("the sender names its password: %s", s)
			}
			err = s.Send(context.Background(), mail.Message{To: "陈小北 <chen@example.com>", Subject: "重设密码 · Reset",
				Text: "Open this link:\nhttps://guildhall.example/reset?token=abc", HTML: "<p>Open <a href=\"https://guildhall.example/reset?token=abc\">this link</a></p>",
				Header: map[string]string{"List-Unsubscribe": "<https://guildhall.example/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
			if err != nil {
				t.Fatal(err)
			}
			got := mp.WaitFor(t, "chen@example.com", 10*time.Second)
			if got.Subject != "重设密码 · Reset" || got.From.Address != "noreply@guildhall.example" || got.To[0].Name != "陈小北" {
				t.Fatalf("envelope: %+v", got)
			}
			if !strings.Contains(got.Text, "https://guildhall.example/reset?token=abc") || !strings.Contains(got.HTML, `<a href="https://guildhall.example/reset?token=abc">`) {
				t.Fatalf("parts: text %q html %q", got.Text, got.HTML)
			}
			if got.Header["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" || got.Header["List-Unsubscribe"][0] != "<https://guildhall.example/u/1>" {
				t.Fatalf("headers: %v", got.Header)
			}
			if !strings.HasPrefix(got.Header["Content-Type"][0], "multipart/alternative") {
				t.Fatalf("content type %v", got.Header["Content-Type"])
			}
		})
	}
}

func TestSender_SendRefusesHeadersItBuildsOrThatBreakLines(t *testing.T) {
	s, err := mail.New(mail.Config{URL: "smtp://127.0.0.1:1", From: "noreply@guildhall.example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []map[string]string{{"Bcc": "x@example.com"}, {"X-Note": "a\r\nBcc: x@example.com"}} {
		if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "s", Text: "t", Header: h}); err == nil || !strings.Contains(err.Error(), "may not be set") {
			t.Errorf("header %v: %v", h, err)
		}
	}
}

func TestSender_SendNamesAServerThatIsDown(t *testing.T) {
	s, _ := mail.New(mail.Config{URL: "smtp://user:hunter2@127.0.0.1:1", From: "noreply@guildhall.example", Timeout: 2 * time.Second})
	err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("got %v", err)
	}
}

func TestTemplates_Render(t *testing.T) {
	fsys := fstest.MapFS{
		"reset.en.txt":    {Data: []byte("Subject: Reset for {{.Name}}\n\nGo to {{.Link}}\n")},
		"reset.en.html":   {Data: []byte(`<a href="{{.Link}}">{{.Name}}</a>`)},
		"reset.zh-CN.txt": {Data: []byte("Subject: 重设密码\n\n打开 {{.Link}}\n")},
	}
	tpl := mail.NewTemplates(fsys)
	m, err := tpl.Render("reset", "en", "a@example.com", map[string]string{"Name": "<Mei>", "Link": "https://x.example/r?t=1&u=2"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Reset for <Mei>" || m.Text != "Go to https://x.example/r?t=1&u=2\n" || m.HTML != `<a href="https://x.example/r?t=1&amp;u=2">&lt;Mei&gt;</a>` {
		t.Fatalf("got %+v", m)
	}
	if m, err := tpl.Render("reset", "zh-CN", "a@example.com", map[string]string{"Link": "L"}); err != nil || m.Subject != "重设密码" || m.HTML != "" {
		t.Fatalf("zh-CN: %+v %v", m, err)
	}
	if _, err := tpl.Render("reset", "fr", "a@example.com", nil); err == nil {
		t.Fatal("a missing language rendered")
	}
}
