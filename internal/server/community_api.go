package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"guildhall/internal/community"
)

func (s *Server) apiCreateGroup(c echo.Context) error {
	var in groupInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.community.CreateGroup(c.Request().Context(), currentUser(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, groupResponse{Group: groupOut(g, nil)})
}

func (s *Server) apiGroup(c echo.Context) error {
	v, err := s.community.Group(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, groupResponse{Group: groupViewOut(v)})
}

func (s *Server) apiUpdateGroup(c echo.Context) error {
	var in groupInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.community.UpdateGroup(c.Request().Context(), currentUser(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, groupResponse{Group: groupOut(g, nil)})
}

func (s *Server) apiJoinGroup(c echo.Context) error {
	m, err := s.community.Join(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, membershipResponse{Membership: membershipOut(m)})
}

func (s *Server) apiLeaveGroup(c echo.Context) error {
	if err := s.community.Leave(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMembers(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	p, err := s.community.Members(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("status"), c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOut(p.Items, p.NextCursor, p.Total, memberCardOut))
}

func (s *Server) apiSetMember(c echo.Context) error {
	var in memberChangeJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.community.SetMember(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("handle"), in.change())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, membershipResponse{Membership: membershipOut(m)})
}

func (s *Server) apiRemoveMember(c echo.Context) error {
	if err := s.community.RemoveMember(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("handle")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiGroupThreads(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	l, err := s.community.GroupThreads(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("sort"),
		c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOut(l.Items, l.NextCursor, l.Total, threadCardOut))
}

func (s *Server) apiCreateThread(c echo.Context) error {
	var in threadInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.community.CreateThread(c.Request().Context(), currentUser(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, threadResponse{Thread: threadOut(&community.ThreadView{Thread: t})})
}

func (s *Server) apiThread(c echo.Context) error {
	v, err := s.community.Thread(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, threadResponse{Thread: threadOut(v)})
}

func (s *Server) apiUpdateThread(c echo.Context) error {
	var in threadInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, a, err := s.community.UpdateThread(c.Request().Context(), currentUser(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, threadResponse{Thread: threadOut(&community.ThreadView{Thread: t, Access: a})})
}

func (s *Server) apiDeleteThread(c echo.Context) error {
	if err := s.community.DeleteThread(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiReplies(c echo.Context) error {
	v, err := s.community.ThreadPage(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("page"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, repliesOut(v))
}

func (s *Server) apiAddReply(c echo.Context) error {
	var in replyInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, r, err := s.community.AddReply(c.Request().Context(), currentUser(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, replyResponse{Reply: replyOut(t.ID, community.ReplyView{Reply: *r, ID: strconv.Itoa(r.N)})})
}

func (s *Server) apiEditReply(c echo.Context) error {
	var in replyInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.community.EditReply(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("reply_id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, replyResponse{Reply: replyOut(c.Param("id"), community.ReplyView{Reply: *r, ID: strconv.Itoa(r.N)})})
}

func (s *Server) apiDeleteReply(c echo.Context) error {
	if err := s.community.DeleteReply(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("reply_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiReact likes (POST) or unlikes (DELETE) a thread or, with reply_id,
// one of its replies.
func (s *Server) apiReact(c echo.Context) error {
	ctx, u, id, reply := c.Request().Context(), currentUser(c), c.Param("id"), c.Param("reply_id")
	var err error
	if c.Request().Method == http.MethodDelete {
		err = s.community.Unreact(ctx, u, id, reply)
	} else {
		err = s.community.React(ctx, u, id, reply)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
