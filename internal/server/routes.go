package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"guildhall/internal/account"
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
	e.GET("/media/*", s.serveMedia, s.timeout)

	// Everything a person or a client uses: bounded, timed, signed-in or not.
	app := e.Group("", s.limitBody(s.cfg.MaxBodyBytes), s.timeout, s.authenticate, s.csrf, s.negotiateLanguage)
	// Uploads take a larger body; the pipeline enforces the exact byte cap.
	uploads := e.Group("", s.limitBody(s.media.MaxBytes()+1<<20), s.timeout, s.authenticate, s.csrf, s.negotiateLanguage)

	// Pages.
	app.GET("/", s.homePage)
	app.GET("/sitemap.xml", s.sitemap)
	app.GET("/search", s.searchPage)
	app.GET("/signup", s.signUpPage)
	app.POST("/signup", s.signUpSubmit)
	app.GET("/signin", s.signInPage)
	app.POST("/signin", s.signInSubmit)
	app.POST("/signout", s.signOutSubmit)
	app.POST("/language", s.languageSubmit)
	app.GET("/settings", s.settingsPage, s.requirePageUser)
	app.POST("/settings", s.settingsSubmit, s.requirePageUser)
	app.GET("/@:handle", s.makerPage)
	app.POST("/@:handle/follow", s.followSubmit, s.requirePageUser)
	app.GET("/works/:id", s.workShortLink)
	app.GET("/works/:id/:slug", s.workPage)
	app.POST("/works/:id/favorite", s.favouriteSubmit, s.requirePageUser)
	app.POST("/works/:id/save", s.saveSubmit, s.requirePageUser)
	app.GET("/feed", s.feedPage, s.requirePageUser)
	app.GET("/collections/:id", s.collectionPage)
	app.GET("/studio", s.studioPage, s.requirePageUser)
	app.GET("/studio/settings", s.studioSettingsPage, s.requirePageUser)
	uploads.POST("/studio/settings", s.studioSettingsSubmit, s.requirePageUser)
	app.GET("/studio/works/new", s.newWorkPage, s.requirePageUser)
	uploads.POST("/studio/works/new", s.workFormSubmit, s.requirePageUser)
	app.GET("/studio/works/:id/edit", s.editWorkPage, s.requirePageUser)
	uploads.POST("/studio/works/:id/edit", s.workFormSubmit, s.requirePageUser)
	app.POST("/studio/works/:id/delete", s.deleteWorkSubmit, s.requirePageUser)

	// JSON API, the pages' twin.
	api := app.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.GET("/search", s.apiSearch)
	api.GET("/search/suggest", s.apiSuggest)
	api.GET("/discover", s.apiDiscover)
	api.POST("/auth/signup", s.apiSignUp)
	api.POST("/auth/login", s.apiSignIn)
	api.POST("/auth/logout", s.apiSignOut)
	api.GET("/users/:handle", s.apiUser)

	api.GET("/makers/:handle", s.apiMaker)
	api.GET("/makers/:handle/works", s.apiMakerWorks)
	api.GET("/makers/:handle/groups", s.apiMakerGroups)
	api.GET("/works/:id", s.apiWork)
	api.GET("/collections/:id", s.apiCollection)

	me := api.Group("", s.requireAPIUser)
	me.GET("/me", s.apiMe)
	me.PATCH("/me", s.apiUpdateMe)
	me.PUT("/me/studio", s.apiPutStudio)
	me.GET("/me/works", s.apiMyWorks)
	me.GET("/feed", s.apiFeed)
	me.POST("/makers/:handle/follow", s.apiFollow)
	me.DELETE("/makers/:handle/follow", s.apiUnfollow)
	me.POST("/works", s.apiCreateWork)
	me.PATCH("/works/:id", s.apiUpdateWork)
	me.DELETE("/works/:id", s.apiDeleteWork)
	me.POST("/works/:id/favorite", s.apiFavourite)
	me.DELETE("/works/:id/favorite", s.apiUnfavourite)
	me.POST("/collections", s.apiCreateCollection)
	me.PATCH("/collections/:id", s.apiUpdateCollection)
	me.DELETE("/collections/:id", s.apiDeleteCollection)
	me.POST("/collections/:id/items", s.apiAddItem)
	me.DELETE("/collections/:id/items/:work_id", s.apiRemoveItem)
	uploads.POST("/api/v1/media", s.apiUploadMedia, s.requireAPIUser)

	admin := api.Group("/admin", s.requireAPIUser, s.requireRole(account.RoleAdmin))
	admin.POST("/users/:handle/roles", s.apiChangeRoles)
	featuring := api.Group("/collections/:id/feature", s.requireAPIUser, s.requireRole(account.RoleAdmin))
	featuring.POST("", s.apiFeature)
	featuring.DELETE("", s.apiUnfeature)

	api.Any("/*", s.apiNotFound)
}
