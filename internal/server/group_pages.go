package server

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"guildhall/internal/community"
	"guildhall/internal/problem"
)

// Groups.

type groupPage struct {
	Page
	*community.GroupView
}

// groupPage is a group's front: two reads by _id and, when the viewer may
// read the threads, one search.
func (s *Server) groupPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	v, err := s.community.GroupPage(c.Request().Context(), currentUser(c), c.Param("id"), q.Sort, q.Cursor, q.Limit)
	if err != nil {
		return err
	}
	p := &groupPage{Page: s.page(c, ""), GroupView: v}
	p.RawTitle = v.Group.Name
	return s.render(c, http.StatusOK, "group", p)
}

func (s *Server) joinSubmit(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.community.Join(c.Request().Context(), currentUser(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/groups/"+url.PathEscape(id))
}

func (s *Server) leaveSubmit(c echo.Context) error {
	id := c.Param("id")
	if err := s.community.Leave(c.Request().Context(), currentUser(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/groups/"+url.PathEscape(id))
}

type groupFormPage struct {
	fieldsPage
	GroupID, Name, Description, Rules, Visibility, JoinPolicy string
	CoverURL, CoverMediaID                                    string
}

func (s *Server) newGroupFormPage(c echo.Context, title string) *groupFormPage {
	return &groupFormPage{fieldsPage: fieldsPage{Page: s.page(c, title)}, Visibility: "public", JoinPolicy: "open"}
}

// newGroupPage is the form for a new group; groups are for makers.
func (s *Server) newGroupPage(c echo.Context) error {
	if err := s.community.MayCreateGroup(currentUser(c)); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "group_form", s.newGroupFormPage(c, "group_new_title"))
}

func (s *Server) editGroupPage(c echo.Context) error {
	g, err := s.community.GroupToEdit(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	p := s.newGroupFormPage(c, "group_edit_title")
	p.GroupID, p.Name, p.Description, p.Rules, p.Visibility, p.JoinPolicy, p.CoverURL =
		g.ID, g.Name, g.Description, g.Rules, g.Visibility, g.JoinPolicy, g.CoverURL
	return s.render(c, http.StatusOK, "group_form", p)
}

// groupFormSubmit creates (no :id) or changes a group. The cover stays as
// it is unless a new one is uploaded or "remove" is ticked; an upload that
// went through on a form that came back with errors is kept in a hidden
// field, so it need not be chosen again.
func (s *Server) groupFormSubmit(c echo.Context) error {
	ctx, u, id := c.Request().Context(), currentUser(c), c.Param("id")
	title := "group_new_title"
	if id != "" {
		title = "group_edit_title"
	}
	p := s.newGroupFormPage(c, title)
	p.GroupID = id
	p.Name, p.Description, p.Rules = c.FormValue("name"), c.FormValue("description"), c.FormValue("rules")
	p.Visibility, p.JoinPolicy, p.CoverMediaID = c.FormValue("visibility"), c.FormValue("join_policy"), c.FormValue("cover_media_id")
	in := community.GroupInput{Name: &p.Name, Description: &p.Description, Rules: &p.Rules,
		Visibility: &p.Visibility, JoinPolicy: &p.JoinPolicy}
	ids, err := s.uploadFiles(c, "cover")
	if err != nil {
		return s.formFailed(c, err, "group_form", p)
	}
	switch {
	case len(ids) > 0:
		p.CoverMediaID = ids[0]
		in.CoverMediaID = &p.CoverMediaID
	case p.CoverMediaID != "":
		in.CoverMediaID = &p.CoverMediaID
	case c.FormValue("remove_cover") == "1":
		in.CoverMediaID = new(string)
	}
	var g *community.Group
	if id == "" {
		g, err = s.community.CreateGroup(ctx, u, in)
	} else {
		g, err = s.community.UpdateGroup(ctx, u, id, in)
	}
	if err != nil {
		return s.formFailed(c, err, "group_form", p)
	}
	return c.Redirect(http.StatusSeeOther, "/groups/"+url.PathEscape(g.ID))
}

// Members.

type membersPage struct {
	Page
	*community.MembersView
}

func (s *Server) membersPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	v, err := s.community.MembersPage(c.Request().Context(), currentUser(c), c.Param("id"), c.QueryParam("status"), q.Cursor, q.Limit)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "members", &membersPage{Page: s.page(c, "members_title"), MembersView: v})
}

// memberSubmit is a moderator's button on the members page.
func (s *Server) memberSubmit(c echo.Context) error {
	ctx, u, id, handle := c.Request().Context(), currentUser(c), c.Param("id"), c.Param("handle")
	var change community.MemberChange
	set := func(role, status string) {
		if role != "" {
			change.Role = &role
		}
		if status != "" {
			change.Status = &status
		}
	}
	var err error
	switch c.FormValue("action") {
	case "approve":
		set("", community.StatusActive)
	case "ban":
		set("", community.StatusBanned)
	case "promote":
		set(community.RoleModerator, "")
	case "demote":
		set(community.RoleMember, "")
	case "remove": // also declines a request and lifts a ban
		err = s.community.RemoveMember(ctx, u, id, handle)
	default:
		return problem.InvalidField("action", "action_unknown")
	}
	if err == nil && (change.Role != nil || change.Status != nil) {
		_, err = s.community.SetMember(ctx, u, id, handle, change)
	}
	if err != nil {
		return err
	}
	to := "/groups/" + url.PathEscape(id) + "/members"
	if st := c.FormValue("status"); st == community.StatusPending || st == community.StatusBanned {
		to += "?status=" + st
	}
	return c.Redirect(http.StatusSeeOther, to)
}
