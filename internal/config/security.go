package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Security holds how the server bounds slow clients, whose address it
// believes, who reads its metrics, and the limits on uploads and sessions.
type Security struct {
	// TrustedProxies (GUILDHALL_TRUSTED_PROXIES, comma-separated CIDRs or
	// addresses) are the proxies whose X-Forwarded-For is believed; with
	// none, a client's address is the peer's, whatever headers say.
	TrustedProxies []*net.IPNet
	// ReadTimeout (GUILDHALL_READ_TIMEOUT) bounds reading a whole request,
	// body included; a body still coming when the request's own timeout
	// ends is answered 408.
	ReadTimeout time.Duration
	IdleTimeout time.Duration // GUILDHALL_IDLE_TIMEOUT: keep-alive connections
	// MetricsToken (GUILDHALL_METRICS_TOKEN) is the bearer token /metrics
	// asks for; MetricsAddr (GUILDHALL_METRICS_ADDR) serves /metrics on a
	// listener of its own instead of the public one. With neither, only
	// loopback clients read it.
	MetricsToken  string
	MetricsAddr   string
	UploadPerUser RatePolicy    // GUILDHALL_RATELIMIT_UPLOAD: images per account
	ResetPerIP    RatePolicy    // GUILDHALL_RATELIMIT_RESET_IP: password-reset requests
	SessionIdle   time.Duration // GUILDHALL_SESSION_IDLE: a session unused this long ends
}

// Mail is the SMTP server outgoing e-mail goes through; with no URL, mail
// that would go out is logged for the operator instead.
type Mail struct {
	SMTPURL  string // GUILDHALL_SMTP_URL: smtp://user:pass@host:port (STARTTLS when offered)
	SMTPFrom string // GUILDHALL_SMTP_FROM: the From address, required with the URL
}

// SMTP reports whether outgoing e-mail is configured.
func (m Mail) SMTP() bool { return m.SMTPURL != "" }

func (p *parser) security(requestTimeout time.Duration) Security {
	s := Security{
		ReadTimeout:   p.duration("GUILDHALL_READ_TIMEOUT", 2*requestTimeout),
		IdleTimeout:   p.duration("GUILDHALL_IDLE_TIMEOUT", 2*time.Minute),
		MetricsToken:  p.str("GUILDHALL_METRICS_TOKEN", ""),
		MetricsAddr:   p.str("GUILDHALL_METRICS_ADDR", ""),
		UploadPerUser: p.rate("GUILDHALL_RATELIMIT_UPLOAD", RatePolicy{30, time.Minute}),
		ResetPerIP:    p.rate("GUILDHALL_RATELIMIT_RESET_IP", RatePolicy{10, time.Hour}),
		SessionIdle:   p.duration("GUILDHALL_SESSION_IDLE", 14*24*time.Hour),
	}
	if s.ReadTimeout < requestTimeout {
		p.fail("GUILDHALL_READ_TIMEOUT", fmt.Errorf("want at least the request timeout (%s), or bodies are cut before a request may end", requestTimeout))
	}
	for _, v := range strings.Split(p.getenv("GUILDHALL_TRUSTED_PROXIES"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		n, err := cidr(v)
		if err != nil {
			p.fail("GUILDHALL_TRUSTED_PROXIES", err)
			continue
		}
		s.TrustedProxies = append(s.TrustedProxies, n)
	}
	if a := s.MetricsAddr; a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			p.fail("GUILDHALL_METRICS_ADDR", errors.New("want host:port, e.g. 127.0.0.1:9090"))
		}
	}
	return s
}

// cidr reads "10.0.0.0/8" or a single address.
func cidr(v string) (*net.IPNet, error) {
	if ip := net.ParseIP(v); ip != nil {
		bits := 128
		if ip.To4() != nil {
			ip, bits = ip.To4(), 32
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
	}
	_, n, err := net.ParseCIDR(v)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a CIDR (10.0.0.0/8) nor an address", v)
	}
	return n, nil
}

func (p *parser) mail() Mail {
	m := Mail{SMTPURL: p.str("GUILDHALL_SMTP_URL", ""), SMTPFrom: p.str("GUILDHALL_SMTP_FROM", "")}
	if m.SMTPURL == "" {
		return m
	}
	u, err := url.Parse(m.SMTPURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || u.Port() == "" {
		p.fail("GUILDHALL_SMTP_URL", errors.New("want smtp://user:pass@host:port"))
	}
	if a, err := mail.ParseAddress(m.SMTPFrom); err != nil || a.Address == "" {
		p.fail("GUILDHALL_SMTP_FROM", errors.New("want the From address of outgoing mail, e.g. Guildhall <noreply@guildhall.example>"))
	}
	return m
}

func (s Security) masked() []any {
	proxies := make([]string, len(s.TrustedProxies))
	for i, n := range s.TrustedProxies {
		proxies[i] = n.String()
	}
	return []any{"trusted_proxies", strings.Join(proxies, ","), "read_timeout", s.ReadTimeout.String(),
		"idle_timeout", s.IdleTimeout.String(), "metrics_token", mask(s.MetricsToken), "metrics_addr", s.MetricsAddr,
		"upload", s.UploadPerUser.String(), "reset_ip", s.ResetPerIP.String(), "session_idle", s.SessionIdle.String()}
}

func (m Mail) masked() []any {
	return []any{"smtp", orEmbedded(maskURI(m.SMTPURL), "off (mail is logged)"), "smtp_from", m.SMTPFrom}
}
