package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/maker"
)

func (s *Server) apiMakerGroups(c echo.Context) error {
	st, err := s.makers.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": nonNil(st.Groups), "next_cursor": nil})
}

type makerJSON struct {
	ID        string           `json:"id"`
	Handle    string           `json:"handle"`
	Name      string           `json:"name"`
	Story     string           `json:"story"`
	StoryHTML string           `json:"story_html"`
	Location  string           `json:"location"`
	Crafts    []string         `json:"crafts"`
	BannerURL string           `json:"banner_url"`
	AvatarURL string           `json:"avatar_url"`
	Policies  maker.Policies   `json:"policies"`
	Counts    maker.Counts     `json:"counts"`
	Rating    ratingJSON       `json:"rating"`
	Groups    []maker.GroupRef `json:"groups"`
	URL       string           `json:"url"`
	CreatedAt time.Time        `json:"created_at"`
}

type ratingJSON struct {
	Average float64 `json:"average"`
	Count   int     `json:"count"`
}

func makerOut(st *maker.Studio) makerJSON {
	return makerJSON{ID: st.ID, Handle: st.Handle, Name: st.Name, Story: st.Story, StoryHTML: string(st.StoryHTML),
		Location: st.Location, Crafts: nonNil(st.Crafts), BannerURL: st.BannerURL, AvatarURL: st.AvatarURL,
		Policies: st.Policies, Counts: st.Counts, Rating: ratingJSON{Average: st.Rating.Average(), Count: st.Rating.Count},
		Groups: nonNil(st.Groups), URL: "/@" + st.Handle, CreatedAt: st.CreatedAt}
}

func (s *Server) apiPutStudio(c echo.Context) error {
	var in maker.StudioInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	st, err := s.makers.PutStudio(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]makerJSON{"maker": makerOut(st)})
}

func (s *Server) apiMaker(c echo.Context) error {
	st, err := s.makers.ByHandle(c.Request().Context(), c.Param("handle"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]makerJSON{"maker": makerOut(st)})
}

func (s *Server) apiMakerWorks(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	works, err := s.makers.WorksOf(c.Request().Context(), c.Param("handle"), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, workCardsOut(works))
}

func (s *Server) apiFollow(c echo.Context) error {
	if err := s.makers.Follow(c.Request().Context(), currentUser(c), c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnfollow(c echo.Context) error {
	if err := s.makers.Unfollow(c.Request().Context(), currentUser(c).ID, c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
