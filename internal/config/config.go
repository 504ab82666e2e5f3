// Package config reads Guildhall's configuration from the environment once,
// at start, into a struct that is passed down. Nothing else reads env vars.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is the whole effective configuration.
type Config struct {
	Addr     string // GUILDHALL_ADDR
	DataDir  string // GUILDHALL_DATA_DIR
	BaseURL  string // GUILDHALL_BASE_URL: the public origin, decides Secure cookies
	LogLevel string // GUILDHALL_LOG_LEVEL: debug, info, warn, error

	MongoURI string // GUILDHALL_MONGO_URI; empty = embedded FerretDB
	MongoDB  string // GUILDHALL_MONGO_DB

	MeiliURL string // GUILDHALL_MEILI_URL; empty = embedded Bleve
	MeiliKey string // GUILDHALL_MEILI_KEY

	S3Endpoint  string // GUILDHALL_S3_ENDPOINT; empty = local folder
	S3Bucket    string // GUILDHALL_S3_BUCKET
	S3AccessKey string // GUILDHALL_S3_ACCESS_KEY
	S3SecretKey string // GUILDHALL_S3_SECRET_KEY
	S3TLS       bool   // GUILDHALL_S3_TLS
	S3Region    string // GUILDHALL_S3_REGION
	// S3PublicEndpoint (GUILDHALL_S3_PUBLIC_ENDPOINT) is where browsers reach
	// the bucket; set, images are served by signed redirect, else the app
	// streams them from S3 itself.
	S3PublicEndpoint string

	// Card payments through Stripe, on only when the secret key is set.
	StripeSecretKey      string // GUILDHALL_STRIPE_SECRET_KEY: sk_… or rk_…
	StripeWebhookSecret  string // GUILDHALL_STRIPE_WEBHOOK_SECRET: whsec_…, required with the key
	StripeAPIURL         string // GUILDHALL_STRIPE_API_URL; empty = Stripe's own (set: stripe-mock in tests)
	StripePublishableKey string // GUILDHALL_STRIPE_PUBLISHABLE_KEY: pk_…, for the card form

	RateLimit   bool       // GUILDHALL_RATELIMIT=off disables every limit
	SignInPerIP RatePolicy // GUILDHALL_RATELIMIT_SIGNIN_IP, e.g. "20/10m"
	// SignInPerUser (GUILDHALL_RATELIMIT_SIGNIN_ACCOUNT, "5/15m") is how
	// many wrong passwords for one account from one address are free, and
	// the longest wait after more: each next try waits 2 s, then twice the
	// last wait, up to that.
	SignInPerUser RatePolicy
	SignUpPerIP   RatePolicy // GUILDHALL_RATELIMIT_SIGNUP_IP
	PostPerUser   RatePolicy // GUILDHALL_RATELIMIT_POST: threads and replies per account
	PostPerNew    RatePolicy // GUILDHALL_RATELIMIT_POST_NEW: the same for accounts younger than a day

	MaxBodyBytes    int64         // GUILDHALL_MAX_BODY_BYTES for JSON and forms
	MediaMaxBytes   int64         // GUILDHALL_MEDIA_MAX_BYTES: largest image upload
	MediaMaxPixels  int64         // GUILDHALL_MEDIA_MAX_PIXELS: largest declared width×height
	RequestTimeout  time.Duration // GUILDHALL_REQUEST_TIMEOUT
	ServiceTimeout  time.Duration // GUILDHALL_SERVICE_TIMEOUT: every outbound call
	ShutdownTimeout time.Duration // GUILDHALL_SHUTDOWN_TIMEOUT
	// IndexSignalsEvery is how long a favourite's, follow's or like's push
	// to the search index waits to share a batch; 0 pushes each at once.
	IndexSignalsEvery time.Duration // GUILDHALL_INDEX_SIGNALS_EVERY

	// Commerce: how long unpaid orders wait before they expire and give
	// their stock back, by payment method (a reported offline payment
	// does not expire); when a shipped order counts as received; how many
	// days after delivery buyer protection lasts.
	UnpaidExpiryOffline time.Duration // GUILDHALL_UNPAID_EXPIRY_OFFLINE
	UnpaidExpiryCard    time.Duration // GUILDHALL_UNPAID_EXPIRY_CARD
	AutoReceiveAfter    time.Duration // GUILDHALL_AUTO_RECEIVE_AFTER
	ProtectionDays      int           // GUILDHALL_PROTECTION_DAYS

	Security // the edges of the server and of sign-in (security.go)
	Mail     // outgoing e-mail (security.go)
}

// RatePolicy allows Limit events per Window.
type RatePolicy struct {
	Limit  int
	Window time.Duration
}

func (p RatePolicy) String() string { return fmt.Sprintf("%d/%s", p.Limit, p.Window) }

// FieldError names the variable that is wrong.
type FieldError struct {
	Var string
	Err error
}

func (e *FieldError) Error() string { return fmt.Sprintf("config %s: %v", e.Var, e.Err) }
func (e *FieldError) Unwrap() error { return e.Err }

// Parse builds a Config from getenv (os.Getenv in main, a map in tests).
func Parse(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		Addr:     p.str("GUILDHALL_ADDR", ":8080"),
		DataDir:  p.str("GUILDHALL_DATA_DIR", "./data"),
		BaseURL:  strings.TrimRight(p.str("GUILDHALL_BASE_URL", "http://localhost:8080"), "/"),
		LogLevel: p.str("GUILDHALL_LOG_LEVEL", "info"),

		MongoURI: p.str("GUILDHALL_MONGO_URI", ""),
		MongoDB:  p.str("GUILDHALL_MONGO_DB", "guildhall"),

		MeiliURL: p.str("GUILDHALL_MEILI_URL", ""),
		MeiliKey: p.str("GUILDHALL_MEILI_KEY", ""),

		S3Endpoint:       p.str("GUILDHALL_S3_ENDPOINT", ""),
		S3Bucket:         p.str("GUILDHALL_S3_BUCKET", "guildhall"),
		S3AccessKey:      p.str("GUILDHALL_S3_ACCESS_KEY", ""),
		S3SecretKey:      p.str("GUILDHALL_S3_SECRET_KEY", ""),
		S3TLS:            p.boolean("GUILDHALL_S3_TLS", false),
		S3Region:         p.str("GUILDHALL_S3_REGION", ""),
		S3PublicEndpoint: p.str("GUILDHALL_S3_PUBLIC_ENDPOINT", ""),

		StripeSecretKey:      p.str("GUILDHALL_STRIPE_SECRET_KEY", ""),
		StripeWebhookSecret:  p.str("GUILDHALL_STRIPE_WEBHOOK_SECRET", ""),
		StripeAPIURL:         p.str("GUILDHALL_STRIPE_API_URL", ""),
		StripePublishableKey: p.str("GUILDHALL_STRIPE_PUBLISHABLE_KEY", ""),

		RateLimit:     p.str("GUILDHALL_RATELIMIT", "on") != "off",
		SignInPerIP:   p.rate("GUILDHALL_RATELIMIT_SIGNIN_IP", RatePolicy{20, 10 * time.Minute}),
		SignInPerUser: p.rate("GUILDHALL_RATELIMIT_SIGNIN_ACCOUNT", RatePolicy{5, 15 * time.Minute}),
		SignUpPerIP:   p.rate("GUILDHALL_RATELIMIT_SIGNUP_IP", RatePolicy{10, time.Hour}),
		PostPerUser:   p.rate("GUILDHALL_RATELIMIT_POST", RatePolicy{30, 10 * time.Minute}),
		PostPerNew:    p.rate("GUILDHALL_RATELIMIT_POST_NEW", RatePolicy{5, 10 * time.Minute}),

		MaxBodyBytes:      p.integer("GUILDHALL_MAX_BODY_BYTES", 1<<20),
		MediaMaxBytes:     p.integer("GUILDHALL_MEDIA_MAX_BYTES", 20<<20),
		MediaMaxPixels:    p.integer("GUILDHALL_MEDIA_MAX_PIXELS", 40_000_000),
		RequestTimeout:    p.duration("GUILDHALL_REQUEST_TIMEOUT", 30*time.Second),
		ServiceTimeout:    p.duration("GUILDHALL_SERVICE_TIMEOUT", 5*time.Second),
		ShutdownTimeout:   p.duration("GUILDHALL_SHUTDOWN_TIMEOUT", 15*time.Second),
		IndexSignalsEvery: p.durationOrZero("GUILDHALL_INDEX_SIGNALS_EVERY", 500*time.Millisecond),

		UnpaidExpiryOffline: p.duration("GUILDHALL_UNPAID_EXPIRY_OFFLINE", 72*time.Hour),
		UnpaidExpiryCard:    p.duration("GUILDHALL_UNPAID_EXPIRY_CARD", 30*time.Minute),
		AutoReceiveAfter:    p.duration("GUILDHALL_AUTO_RECEIVE_AFTER", 14*24*time.Hour),
		ProtectionDays:      int(p.integer("GUILDHALL_PROTECTION_DAYS", 60)),
	}
	if c.ProtectionDays > 3650 {
		p.fail("GUILDHALL_PROTECTION_DAYS", errors.New("want at most 3650 days"))
	}
	if v := p.getenv("GUILDHALL_RATELIMIT"); v != "" && v != "on" && v != "off" {
		p.fail("GUILDHALL_RATELIMIT", errors.New(`want "on" or "off"`))
	}
	if _, err := url.Parse(c.BaseURL); err != nil || !strings.HasPrefix(c.BaseURL, "http") {
		p.fail("GUILDHALL_BASE_URL", errors.New("want an http(s) URL"))
	}
	if c.S3Endpoint != "" && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		p.fail("GUILDHALL_S3_ACCESS_KEY", errors.New("S3 needs an access key and a secret key"))
	}
	p.stripe(c)
	c.Security, c.Mail = p.security(c.RequestTimeout), p.mail()
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p.fail("GUILDHALL_LOG_LEVEL", errors.New("want debug, info, warn or error"))
	}
	return c, p.err
}

// Stripe reports whether card payments through Stripe are configured.
func (c Config) Stripe() bool { return c.StripeSecretKey != "" }

// stripe checks the Stripe settings hang together: a secret key (not the
// publishable one pasted in its place) with its webhook secret, or none.
func (p *parser) stripe(c Config) {
	if !c.Stripe() {
		if c.StripeWebhookSecret != "" || c.StripeAPIURL != "" || c.StripePublishableKey != "" {
			p.fail("GUILDHALL_STRIPE_SECRET_KEY", errors.New("settings for Stripe are given but no secret key, so card payments would be off"))
		}
		return
	}
	if !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_") {
		p.fail("GUILDHALL_STRIPE_SECRET_KEY", errors.New("want a Stripe secret key (sk_… or rk_…)"))
	}
	if c.StripeWebhookSecret == "" {
		p.fail("GUILDHALL_STRIPE_WEBHOOK_SECRET", errors.New("the signing secret of Stripe's webhook endpoint (whsec_…) is required to trust payment events"))
	} else if !strings.HasPrefix(c.StripeWebhookSecret, "whsec_") {
		p.fail("GUILDHALL_STRIPE_WEBHOOK_SECRET", errors.New("want a webhook signing secret (whsec_…)"))
	}
	if c.StripePublishableKey != "" && !strings.HasPrefix(c.StripePublishableKey, "pk_") {
		p.fail("GUILDHALL_STRIPE_PUBLISHABLE_KEY", errors.New("want a publishable key (pk_…)"))
	}
	if c.StripeAPIURL != "" {
		if u, err := url.Parse(c.StripeAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail("GUILDHALL_STRIPE_API_URL", errors.New("want an http(s) URL"))
		}
	}
}

// SecureCookies is true unless the public origin is plain http on localhost.
func (c Config) SecureCookies() bool {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return true
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// Masked returns the configuration as log attributes with secrets hidden.
func (c Config) Masked() []any {
	return slices.Concat([]any{
		"addr", c.Addr, "data_dir", c.DataDir, "base_url", c.BaseURL,
		"mongo", orEmbedded(maskURI(c.MongoURI), "embedded FerretDB"), "mongo_db", c.MongoDB,
		"search", orEmbedded(c.MeiliURL, "embedded Bleve"), "meili_key", mask(c.MeiliKey),
		"blob", orEmbedded(c.S3Endpoint, "local folder"), "s3_bucket", c.S3Bucket,
		"s3_access_key", c.S3AccessKey, "s3_secret_key", mask(c.S3SecretKey), "s3_tls", c.S3TLS, "s3_public_endpoint", c.S3PublicEndpoint,
		"stripe", stripeAPI(c), "stripe_secret_key", mask(c.StripeSecretKey),
		"stripe_webhook_secret", mask(c.StripeWebhookSecret), "stripe_publishable_key", c.StripePublishableKey,
		"ratelimit", c.RateLimit, "signin_ip", c.SignInPerIP.String(),
		"signin_account", c.SignInPerUser.String(), "signup_ip", c.SignUpPerIP.String(),
		"post", c.PostPerUser.String(), "post_new_account", c.PostPerNew.String(),
		"secure_cookies", c.SecureCookies(),
		"unpaid_expiry_offline", c.UnpaidExpiryOffline.String(), "unpaid_expiry_card", c.UnpaidExpiryCard.String(),
		"auto_receive_after", c.AutoReceiveAfter.String(), "protection_days", c.ProtectionDays,
		"index_signals_every", c.IndexSignalsEvery.String(),
	}, c.Security.masked(), c.Mail.masked())
}

func stripeAPI(c Config) string {
	if !c.Stripe() {
		return "off"
	}
	return orEmbedded(c.StripeAPIURL, "Stripe's API")
}

func orEmbedded(v, embedded string) string {
	if v == "" {
		return embedded
	}
	return v
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "*****"
}

// maskURI hides the password of a mongodb://user:pass@host URI.
func maskURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "*****")
	}
	return u.String()
}

type parser struct {
	getenv func(string) string
	err    error
}

func (p *parser) fail(name string, err error) {
	if p.err == nil {
		p.err = &FieldError{Var: name, Err: err}
	}
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) boolean(name string, def bool) bool {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, err)
	}
	return b
}

func (p *parser) integer(name string, def int64) int64 {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		p.fail(name, errors.New("want a positive whole number"))
	}
	return n
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, errors.New("want a positive duration such as 5s"))
	}
	return d
}

// durationOrZero is duration where 0 means "not at all" (e.g. no wait).
func (p *parser) durationOrZero(name string, def time.Duration) time.Duration {
	if p.getenv(name) == "0" {
		return 0
	}
	return p.duration(name, def)
}

// rate parses "N/duration", e.g. "20/10m".
func (p *parser) rate(name string, def RatePolicy) RatePolicy {
	v := p.getenv(name)
	if v == "" {
		return def
	}
	n, w, ok := strings.Cut(v, "/")
	limit, err1 := strconv.Atoi(n)
	window, err2 := time.ParseDuration(w)
	if !ok || err1 != nil || err2 != nil || limit <= 0 || window <= 0 {
		p.fail(name, errors.New(`want "count/duration", e.g. "20/10m"`))
		return def
	}
	return RatePolicy{Limit: limit, Window: window}
}
