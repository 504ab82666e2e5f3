// Package mail sends e-mail through an SMTP server: messages with a plain
// text and an HTML part (multipart/alternative), any extra headers (such as
// List-Unsubscribe and List-Unsubscribe-Post), STARTTLS whenever the server
// offers it, and templates in each language from an fs.FS.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Message is one e-mail to one recipient.
type Message struct {
	To      string // an address, optionally with a name: "Mei <mei@example.com>"
	Subject string
	Text    string // the plain-text part
	HTML    string // the HTML part; empty sends text only
	// Header holds extra headers, e.g. List-Unsubscribe. The ones the
	// message is built from (From, To, Subject, Date, MIME…) cannot be set.
	Header map[string]string
}

// Config is where mail goes.
type Config struct {
	URL     string // smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (TLS from the start)
	From    string // the From header: "Guildhall <noreply@guildhall.example>"
	Timeout time.Duration
	// RootCAs verifies the server's certificate; nil is the system's.
	RootCAs *x509.CertPool
}

// Sender sends messages through one SMTP server. Safe for concurrent use:
// each message is its own connection.
type Sender struct {
	addr, host string
	implicit   bool
	user       *url.Userinfo
	from       *mail.Address
	timeout    time.Duration
	roots      *x509.CertPool
}

// New checks cfg and returns a sender; it does not dial.
func New(cfg Config) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || u.Port() == "" {
		return nil, errors.New("mail: want smtp://user:pass@host:port")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: From %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{addr: u.Host, host: u.Hostname(), implicit: u.Scheme == "smtps", user: u.User, from: from,
		timeout: cfg.Timeout, roots: cfg.RootCAs}, nil
}

// String names the server without its password, for logs.
func (s *Sender) String() string {
	scheme := "smtp"
	if s.implicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: s.addr}
	if s.user != nil {
		u.User = url.User(s.user.Username())
	}
	return u.String()
}

// Send delivers m, or says why the server would not take it.
func (s *Sender) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("send mail: recipient %q: %w", m.To, err)
	}
	body, err := m.bytes(s.from, to, time.Now())
	if err != nil {
		return err
	}
	if err := s.deliver(ctx, to.Address, body); err != nil {
		return fmt.Errorf("send mail to %s through %s: %w", to.Address, s, err)
	}
	return nil
}

func (s *Sender) deliver(ctx context.Context, rcpt string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	tlsConf := &tls.Config{ServerName: s.host, RootCAs: s.roots, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	var err error
	if s.implicit {
		conn, err = (&tls.Dialer{Config: tlsConf}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(helloName(s.from.Address)); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicit {
		if err := c.StartTLS(tlsConf); err != nil {
			return err
		}
	}
	if s.user != nil {
		pass, _ := s.user.Password()
		// PlainAuth refuses to send the password over a connection that is
		// neither encrypted nor to this machine.
		if err := c.Auth(smtp.PlainAuth("", s.user.Username(), pass, s.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func helloName(from string) string {
	if _, domain, ok := strings.Cut(from, "@"); ok && domain != "" {
		return domain
	}
	return "localhost"
}

// reserved are the headers a message is built from.
var reserved = map[string]bool{"From": true, "To": true, "Subject": true, "Date": true, "Message-Id": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true, "Bcc": true, "Cc": true}

// bytes builds the RFC 5322 message: headers, then the text and HTML
// parts, each quoted-printable UTF-8.
func (m Message) bytes(from, to *mail.Address, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	h := [][2]string{
		{"From", from.String()}, {"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + helloName(from.Address) + ">"},
		{"MIME-Version", "1.0"},
	}
	extra := make([]string, 0, len(m.Header))
	for k := range m.Header {
		extra = append(extra, k)
	}
	sort.Strings(extra)
	for _, k := range extra {
		v := m.Header[k]
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if reserved[ck] || strings.ContainsAny(k+v, "\r\n") {
			return nil, fmt.Errorf("send mail: header %q may not be set", k)
		}
		h = append(h, [2]string{ck, v})
	}
	for _, kv := range h {
		fmt.Fprintf(&b, "%s: %s\r\n", kv[0], kv[1])
	}
	if m.HTML == "" {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", mw.Boundary())
	for _, part := range []struct{ ct, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type": {part.ct + "; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return err
	}
	return qp.Close()
}
