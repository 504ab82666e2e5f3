package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"guildhall/internal/problem"
)

func (s *Server) apiUploadMedia(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return problem.InvalidField("file", "required")
	}
	f, err := fh.Open()
	if err != nil {
		return problem.Malformed("error_upload_unreadable", "file")
	}
	defer f.Close()
	m, err := s.media.Upload(c.Request().Context(), currentUser(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, mediaOut(m))
}

// serveMedia sends an image: content-addressed keys never change, so it
// may be cached for a year; from S3 it redirects to a signed URL.
func (s *Server) serveMedia(c echo.Context) error {
	f, err := s.media.Fetch(c.Request().Context(), c.Param("*"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if f.Redirect != "" {
		h.Set("Cache-Control", "private, max-age=300")
		return c.Redirect(http.StatusFound, f.Redirect)
	}
	defer f.Body.Close()
	etag := `"` + f.Info.ETag + `"`
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	if match := c.Request().Header.Get("If-None-Match"); match == etag {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set("Content-Length", strconv.FormatInt(f.Info.Size, 10))
	return c.Stream(http.StatusOK, f.Info.ContentType, f.Body)
}
