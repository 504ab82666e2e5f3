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
	if s.cfg.MetricsAddr == "" { // else on a listener of its own (MetricsHandler)
		e.GET("/metrics", s.metricsHandler(), s.guardMetrics)
	}
	e.GET("/static/*", s.static)
	e.GET("/media/*", s.serveMedia, s.timeout)
	// Stripe calls this, not a browser: no session and no CSRF token,
	// the signature over the body being its one credential.
	e.POST("/api/v1/payments/stripe/webhook", s.apiStripeWebhook, s.limitBody(s.cfg.MaxBodyBytes), s.timeout)

	// Everything a person or a client uses: bounded, timed, signed-in or
	// not. A form is read (and its fields bounded) before the CSRF check
	// reads its token.
	app := e.Group("", s.limitBody(s.cfg.MaxBodyBytes), s.timeout, s.authenticate, s.negotiateLanguage,
		s.readForm(s.cfg.MaxBodyBytes), s.csrf)
	// Uploads take a larger body; the pipeline enforces the exact byte cap,
	// and the form's text is held to much less.
	uploadBody := s.limitBody(s.media.MaxBytes() + 1<<20)
	uploads := e.Group("", uploadBody, s.timeout, s.authenticate, s.negotiateLanguage, s.readForm(uploadFormText), s.csrf)
	// Starting a thread: who may post is decided before the form is read.
	threadForm := e.Group("/groups/:id/threads/new", uploadBody, s.timeout, s.authenticate, s.negotiateLanguage,
		s.requirePageUser, s.mayStartThread, s.readForm(uploadFormText), s.csrf)

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
	app.GET("/settings/password", s.passwordPage, s.requirePageUser)
	app.POST("/settings/password", s.passwordSubmit, s.requirePageUser)
	app.GET("/settings/sessions", s.sessionsPage, s.requirePageUser)
	app.POST("/settings/sessions/end-others", s.endOtherSessionsSubmit, s.requirePageUser)
	app.POST("/settings/sessions/:id/end", s.endSessionSubmit, s.requirePageUser)
	app.GET("/forgot", s.forgotPage)
	app.POST("/forgot", s.forgotSubmit)
	app.GET("/reset", s.resetPage)
	app.POST("/reset", s.resetSubmit)
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
	app.POST("/studio/settings/shipping", s.shippingSubmit, s.requirePageUser)
	uploads.POST("/studio/settings/payments", s.paymentsSubmit, s.requirePageUser)
	app.GET("/studio/works/new", s.newWorkPage, s.requirePageUser)
	uploads.POST("/studio/works/new", s.workFormSubmit, s.requirePageUser)
	app.GET("/studio/works/:id/edit", s.editWorkPage, s.requirePageUser)
	uploads.POST("/studio/works/:id/edit", s.workFormSubmit, s.requirePageUser)
	app.POST("/studio/works/:id/delete", s.deleteWorkSubmit, s.requirePageUser)
	// The maker's order desk.
	app.GET("/studio/orders", s.orderDeskPage, s.requirePageUser, s.requireRole(account.RoleMaker))
	app.GET("/studio/orders.csv", s.ordersCSV, s.requirePageUser, s.requireRole(account.RoleMaker))
	uploads.POST("/studio/orders/shipments", s.shipmentsSubmit, s.requirePageUser, s.requireRole(account.RoleMaker))
	app.GET("/studio/orders/slips", s.packingSlipsPage, s.requirePageUser, s.requireRole(account.RoleMaker))

	// Community pages.
	app.GET("/groups/new", s.newGroupPage, s.requirePageUser)
	uploads.POST("/groups/new", s.groupFormSubmit, s.requirePageUser)
	app.GET("/groups/:id", s.groupPage)
	app.GET("/groups/:id/edit", s.editGroupPage, s.requirePageUser)
	uploads.POST("/groups/:id/edit", s.groupFormSubmit, s.requirePageUser)
	app.POST("/groups/:id/join", s.joinSubmit, s.requirePageUser)
	app.POST("/groups/:id/leave", s.leaveSubmit, s.requirePageUser)
	app.GET("/groups/:id/members", s.membersPage)
	app.POST("/groups/:id/members/:handle", s.memberSubmit, s.requirePageUser)
	app.GET("/groups/:id/threads/new", s.newThreadPage, s.requirePageUser)
	threadForm.POST("", s.newThreadSubmit)
	app.GET("/threads/:id", s.threadPage)
	app.GET("/threads/:id/edit", s.editThreadPage, s.requirePageUser)
	app.POST("/threads/:id/edit", s.editThreadSubmit, s.requirePageUser)
	app.POST("/threads/:id/moderate", s.moderateSubmit, s.requirePageUser)
	app.POST("/threads/:id/delete", s.deleteThreadSubmit, s.requirePageUser)
	app.POST("/threads/:id/like", s.likeSubmit, s.requirePageUser)
	app.POST("/threads/:id/replies", s.replySubmit, s.requirePageUser)
	app.GET("/threads/:id/replies/:n/edit", s.editReplyPage, s.requirePageUser)
	app.POST("/threads/:id/replies/:n/edit", s.editReplySubmit, s.requirePageUser)
	app.POST("/threads/:id/replies/:n/delete", s.deleteReplySubmit, s.requirePageUser)
	app.POST("/reports", s.reportSubmit, s.requirePageUser)
	app.POST("/@:handle/mute", s.muteSubmit, s.requirePageUser)
	app.GET("/notifications", s.notificationsPage, s.requirePageUser)
	app.POST("/notifications/read", s.readAllSubmit, s.requirePageUser)
	app.POST("/notifications/:id/open", s.openNotificationSubmit, s.requirePageUser)
	app.GET("/moderation", s.moderationPage, s.requirePageUser)
	app.POST("/moderation/reports/:id", s.decideSubmit, s.requirePageUser)

	// Buying: cart, checkout, the buyer's orders.
	// A visitor has a cart too (a cookie); checkout and orders are the
	// signed-in buyer's (and an order's maker's).
	app.GET("/cart", s.cartPage)
	app.POST("/cart/items", s.cartItemSubmit)
	app.POST("/cart/items/remove", s.cartRemoveSubmit)
	app.GET("/checkout", s.checkoutPage, s.requirePageUser)
	app.POST("/checkout", s.checkoutSubmit, s.requirePageUser)
	app.POST("/checkout/addresses", s.addAddressSubmit, s.requirePageUser)
	app.GET("/orders", s.ordersPage, s.requirePageUser)
	app.GET("/orders/:id", s.orderPage, s.requirePageUser)
	app.POST("/orders/:id/:action", s.orderActionSubmit, s.requirePageUser)

	// JSON API, the pages' twin.
	api := app.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.GET("/search", s.apiSearch)
	api.GET("/search/suggest", s.apiSuggest)
	api.GET("/discover", s.apiDiscover)
	api.POST("/auth/signup", s.apiSignUp)
	api.POST("/auth/login", s.apiSignIn)
	api.POST("/auth/logout", s.apiSignOut)
	api.POST("/auth/password-reset", s.apiRequestReset)
	api.POST("/auth/password-reset/confirm", s.apiConfirmReset)
	api.GET("/users/:handle", s.apiUser)

	api.GET("/makers/:handle", s.apiMaker)
	api.GET("/makers/:handle/works", s.apiMakerWorks)
	api.GET("/makers/:handle/groups", s.apiMakerGroups)
	api.GET("/works/:id", s.apiWork)
	api.GET("/collections/:id", s.apiCollection)
	api.GET("/groups/:id", s.apiGroup)
	api.GET("/groups/:id/members", s.apiMembers)
	api.GET("/groups/:id/threads", s.apiGroupThreads)
	api.GET("/threads/:id", s.apiThread)
	api.GET("/threads/:id/replies", s.apiReplies)

	me := api.Group("", s.requireAPIUser)
	me.GET("/me", s.apiMe)
	me.PATCH("/me", s.apiUpdateMe)
	me.POST("/me/password", s.apiChangePassword)
	me.GET("/me/sessions", s.apiSessions)
	me.DELETE("/me/sessions", s.apiEndOtherSessions)
	me.DELETE("/me/sessions/:id", s.apiEndSession)
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
	me.POST("/groups", s.apiCreateGroup)
	me.PATCH("/groups/:id", s.apiUpdateGroup)
	me.POST("/groups/:id/join", s.apiJoinGroup)
	me.DELETE("/groups/:id/membership", s.apiLeaveGroup)
	me.POST("/groups/:id/members/:handle", s.apiSetMember)
	me.DELETE("/groups/:id/members/:handle", s.apiRemoveMember)
	me.POST("/groups/:id/threads", s.apiCreateThread)
	me.PATCH("/threads/:id", s.apiUpdateThread)
	me.DELETE("/threads/:id", s.apiDeleteThread)
	me.POST("/threads/:id/reactions", s.apiReact)
	me.DELETE("/threads/:id/reactions", s.apiReact)
	me.POST("/threads/:id/replies", s.apiAddReply)
	me.PATCH("/threads/:id/replies/:reply_id", s.apiEditReply)
	me.DELETE("/threads/:id/replies/:reply_id", s.apiDeleteReply)
	me.POST("/threads/:id/replies/:reply_id/reactions", s.apiReact)
	me.DELETE("/threads/:id/replies/:reply_id/reactions", s.apiReact)
	me.GET("/notifications", s.apiNotifications)
	me.GET("/notifications/unread", s.apiUnread)
	me.POST("/notifications/read", s.apiMarkRead)
	me.POST("/reports", s.apiReport)
	me.GET("/moderation/reports", s.apiReports)
	me.POST("/moderation/reports/:id", s.apiDecide)
	me.GET("/moderation/audit", s.apiAudit)
	me.POST("/users/:handle/mute", s.apiMute)
	me.DELETE("/users/:handle/mute", s.apiMute)
	uploads.POST("/api/v1/media", s.apiUploadMedia, s.requireAPIUser)
	// The notification stream lives as long as the page: no request timeout.
	streams := e.Group("", s.authenticate, s.negotiateLanguage)
	streams.GET("/api/v1/notifications/stream", s.apiNotificationStream, s.requireAPIUser)

	// Commerce API.
	me.GET("/me/addresses", s.apiAddresses)
	me.POST("/me/addresses", s.apiAddAddress)
	me.DELETE("/me/addresses/:id", s.apiDeleteAddress)
	me.GET("/cart", s.apiCart)
	me.PUT("/cart/items/:work_id", s.apiPutCartItem)
	me.DELETE("/cart/items/:work_id", s.apiRemoveCartItem)
	me.POST("/checkout", s.apiCheckout)
	me.GET("/orders", s.apiOrders)
	me.GET("/orders/:id", s.apiOrder)
	me.POST("/orders/:id/:action", s.apiOrderAction)

	// Commerce API: the maker's shop.
	me.PUT("/me/studio/shipping", s.apiPutShipping)
	me.PUT("/me/studio/payments", s.apiPutPayments)
	me.POST("/studio/orders/shipments", s.apiShipOrders)
	me.GET("/studio/orders.csv", s.apiOrdersCSV)

	admin := api.Group("/admin", s.requireAPIUser, s.requireRole(account.RoleAdmin))
	admin.POST("/users/:handle/roles", s.apiChangeRoles)
	featuring := api.Group("/collections/:id/feature", s.requireAPIUser, s.requireRole(account.RoleAdmin))
	featuring.POST("", s.apiFeature)
	featuring.DELETE("", s.apiUnfeature)

	api.Any("/*", s.apiNotFound)
}
