// Package server is the HTTP edge: Echo wiring, middleware, and the page and
// API handlers. Handlers parse the request, call one feature method and
// render; errors go back to Echo and one handler turns them into responses.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/community"
	"guildhall/internal/config"
	"guildhall/internal/curation"
	"guildhall/internal/discovery"
	"guildhall/internal/i18n"
	"guildhall/internal/maker"
	"guildhall/internal/media"
	"guildhall/internal/moderation"
	"guildhall/internal/notify"
	"guildhall/internal/payment"
	"guildhall/internal/work"
)

// Check is one backing service /readyz asks.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Deps is everything the HTTP layer needs, wired by the caller.
type Deps struct {
	Config     config.Config
	Logger     *slog.Logger
	Accounts   *account.Service
	Makers     *maker.Service
	Works      *work.Service
	Media      *media.Service
	Search     *discovery.Service
	Curation   *curation.Service
	Community  *community.Service
	Notify     *notify.Service
	Moderation *moderation.Service
	Commerce   *commerce.Service
	// Payments are the methods this Guildhall offers; the card webhook
	// and the card form read theirs from it.
	Payments payment.Methods
	Checks   []Check
	Registry *prometheus.Registry
}

// Server holds what handlers share.
type Server struct {
	cfg        config.Config
	log        *slog.Logger
	accounts   *account.Service
	makers     *maker.Service
	works      *work.Service
	media      *media.Service
	discovery  *discovery.Service
	curation   *curation.Service
	community  *community.Service
	notify     *notify.Service
	moderation *moderation.Service
	commerce   *commerce.Service
	payments   payment.Methods
	checks     []Check
	registry   *prometheus.Registry
	catalog    *i18n.Catalog
	views      *views
	metrics    *httpMetrics
	csp        string // Content-Security-Policy, built once from the config
	openapi    []byte // the OpenAPI document, built once from operations
	// stopping is closed when the HTTP server shuts down, ending the
	// long-lived notification streams that would otherwise hold it open.
	stopping    chan struct{}
	streamEvery time.Duration // how often a stream re-reads the count
}

// New builds the Echo app with every route.
func New(d Deps) (*echo.Echo, error) {
	catalog, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	v, err := loadViews(catalog)
	if err != nil {
		return nil, err
	}
	m, err := newHTTPMetrics(d.Registry)
	if err != nil {
		return nil, fmt.Errorf("register http metrics: %w", err)
	}
	s := &Server{cfg: d.Config, log: d.Logger, accounts: d.Accounts, makers: d.Makers, works: d.Works, media: d.Media, discovery: d.Search, curation: d.Curation, checks: d.Checks,
		community: d.Community, notify: d.Notify, moderation: d.Moderation, commerce: d.Commerce, payments: d.Payments,
		registry: d.Registry, catalog: catalog, views: v, metrics: m,
		stopping: make(chan struct{}), streamEvery: 20 * time.Second}
	s.csp = contentSecurityPolicy(d.Config)
	if s.openapi, _, err = openAPIDocument(operations); err != nil {
		return nil, err
	}
	e := echo.New()
	e.JSONSerializer = newCheckedJSON(operations, s.log)
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIP(d.Config.TrustedProxies)
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.ReadTimeout = d.Config.ReadTimeout
	e.Server.IdleTimeout = d.Config.IdleTimeout
	var once sync.Once
	e.Server.RegisterOnShutdown(func() { once.Do(func() { close(s.stopping) }) })
	s.routes(e)
	return e, nil
}

// contentSecurityPolicy allows images from this site and, when images are
// served by signed redirect, from the bucket's public endpoint.
func contentSecurityPolicy(cfg config.Config) string {
	img := "'self' data: blob:" // no remote images: Markdown shows them as links
	if ep := cfg.S3PublicEndpoint; ep != "" {
		if !strings.Contains(ep, "://") {
			scheme := "http://"
			if cfg.S3TLS {
				scheme = "https://"
			}
			ep = scheme + ep
		}
		img += " " + ep
	}
	return "default-src 'self'; img-src " + img + "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}
