package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the sitemap: every route, grouped by the middleware it runs.
func (s *Server) routes(e *echo.Echo) {
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(s.requestID, s.accessLog, s.measure, s.answerErrors, s.recoverPanic, s.securityHeaders)

	// Operations: no session, no body.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler())
	e.GET("/static/*", s.static)

	// Everything a person or a client uses: bounded, timed, signed-in or not.
	app := e.Group("", s.limitBody, s.timeout, s.authenticate, s.csrf, s.negotiateLanguage)

	// Pages.
	app.GET("/", s.homePage)
	app.GET("/signup", s.signUpPage)
	app.POST("/signup", s.signUpSubmit)
	app.GET("/signin", s.signInPage)
	app.POST("/signin", s.signInSubmit)
	app.POST("/signout", s.signOutSubmit)
	app.POST("/language", s.languageSubmit)
	app.GET("/settings", s.settingsPage, s.requirePageUser)
	app.POST("/settings", s.settingsSubmit, s.requirePageUser)

	// JSON API, the pages' twin.
	api := app.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.POST("/auth/signup", s.apiSignUp)
	api.POST("/auth/login", s.apiSignIn)
	api.POST("/auth/logout", s.apiSignOut)
	api.GET("/users/:handle", s.apiUser)

	me := api.Group("", s.requireAPIUser)
	me.GET("/me", s.apiMe)
	me.PATCH("/me", s.apiUpdateMe)

	api.Any("/*", s.apiNotFound)
}
