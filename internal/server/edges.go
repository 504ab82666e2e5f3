package server

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"guildhall/internal/problem"
)

// clientIP is whose address per-IP limits and the access log use: the
// peer's, or, from a trusted proxy only, the nearest address in
// X-Forwarded-For that no trusted proxy added. X-Real-IP is never read.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	// Echo trusts loopback and private ranges unless told otherwise; here
	// only the configured proxies are.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// MetricsHandler serves the registry, for a listener of its own
// (GUILDHALL_METRICS_ADDR).
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

func (s *Server) metricsHandler() echo.HandlerFunc {
	return echo.WrapHandler(MetricsHandler(s.registry))
}

// guardMetrics asks for GUILDHALL_METRICS_TOKEN as a bearer token; with no
// token configured only a loopback peer that no proxy forwarded may read
// the metrics, which suits a development machine and nothing else.
func (s *Server) guardMetrics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if want := s.cfg.MetricsToken; want != "" {
			got, ok := strings.CutPrefix(r.Header.Get(echo.HeaderAuthorization), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
				return problem.Unauthorized("unauthenticated", "error_metrics_token")
			}
			return next(c)
		}
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		forwarded := r.Header.Get(echo.HeaderXForwardedFor) != "" || r.Header.Get(echo.HeaderXRealIP) != "" || r.Header.Get("Forwarded") != ""
		if ip == nil || !ip.IsLoopback() || forwarded {
			return problem.NotFound("page")
		}
		return next(c)
	}
}

// mayStartThread refuses a new thread's form before its body is read when
// the viewer may not post in the group, or the group is not there.
func (s *Server) mayStartThread(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.community.MayStartThread(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
			return err
		}
		return next(c)
	}
}
