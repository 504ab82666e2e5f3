package community

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Access is what one viewer may do in one group. It is decided here and
// nowhere else: pages, the API, search, the feed and notifications all ask.
type Access struct {
	Read     bool // see the group's threads and replies
	Post     bool // start threads, reply, react
	Moderate bool // pin, lock, hide, delete others' posts, approve, ban
	Own      bool // the group is the viewer's
	Admin    bool
	// Manage is changing the group and appointing moderators: its owner
	// may, and so may admins.
	Manage   bool
	SignedIn bool        // the viewer has an account (is not a visitor)
	Member   *Membership // nil when the viewer has none
}

// accessOf decides from the group (nil when the membership alone decides)
// and the viewer's membership (nil when there is none).
func accessOf(viewer *account.User, g *Group, m *Membership) Access {
	a := Access{Member: m, SignedIn: viewer != nil}
	if viewer != nil && viewer.HasRole(account.RoleAdmin) {
		a.Admin, a.Read, a.Moderate, a.Manage = true, true, true, true
	}
	if m.Active() {
		a.Read, a.Post = true, true
		a.Moderate = a.Moderate || m.Role == RoleOwner || m.Role == RoleModerator
		a.Own = m.Role == RoleOwner
		a.Manage = a.Manage || a.Own
		return a
	}
	if g != nil && !g.Private() {
		a.Read = true
	}
	return a
}

// needsGroup reports whether accessOf can decide without the group: an
// active member or an admin may read whatever its visibility.
func needsGroup(viewer *account.User, m *Membership) bool {
	return !m.Active() && (viewer == nil || !viewer.HasRole(account.RoleAdmin))
}

// readable turns a denied read into the error callers get: 404, so that
// a private group's threads are not known to exist.
func (a Access) readable(what string) error {
	if !a.Read {
		return problem.NotFound(what)
	}
	return nil
}

// postable explains why the viewer may not post.
func (a Access) postable(what string) error {
	if err := a.readable(what); err != nil {
		return err
	}
	switch {
	case a.Post:
		return nil
	case a.Member != nil && a.Member.Status == StatusBanned:
		return problem.Forbidden("banned_from_group")
	case a.Member != nil && a.Member.Status == StatusPending:
		return problem.Forbidden("membership_pending")
	}
	return problem.Forbidden("join_group_first")
}

// moderatable explains why the viewer may not moderate.
func (a Access) moderatable(what string) error {
	if err := a.readable(what); err != nil {
		return err
	}
	if !a.Moderate {
		return problem.Forbidden("not_a_moderator")
	}
	return nil
}

// managed explains why the viewer may not change the group.
func (a Access) managed() error {
	if !a.Manage {
		return problem.Forbidden("not_group_owner")
	}
	return nil
}

// MayChangeMember reports whether the viewer may approve, ban, remove,
// promote or demote a member whose role is role: moderators handle
// members, only those who manage the group handle moderators, and nobody
// changes the owner.
func (a Access) MayChangeMember(role string) bool {
	return a.memberChangeable(role, false) == nil
}

// memberChangeable explains why the viewer may not change a member whose
// role is role; newRole is true when the change appoints or demotes.
func (a Access) memberChangeable(role string, newRole bool) error {
	switch {
	case !a.Moderate:
		return problem.Forbidden("not_a_moderator")
	case role == RoleOwner:
		return problem.Forbidden("cannot_change_owner")
	case (role == RoleModerator || newRole) && !a.Manage:
		return problem.Forbidden("owner_only")
	}
	return nil
}

// editable explains why u may not change the text of a post by authorID:
// only its author may, and only while they may post in the group.
func (a Access) editable(u *account.User, authorID string) error {
	if u == nil || u.ID != authorID {
		return problem.Forbidden("not_your_post")
	}
	if !a.Post {
		return a.postable("thread")
	}
	return nil
}

// removable explains why u may not delete a post by authorID: its author
// and the group's moderators may.
func (a Access) removable(u *account.User, authorID string) error {
	if u.ID != authorID && !a.Moderate {
		return problem.Forbidden("not_your_post")
	}
	return nil
}

// mayCreateGroup explains why u may not start a group: groups are for
// makers.
func mayCreateGroup(u *account.User) error {
	if !u.HasRole(account.RoleMaker) {
		return problem.Forbidden("open_a_studio_first")
	}
	return nil
}

// MayCreateGroup is the rule the new-group form checks before it is shown.
func (s *Service) MayCreateGroup(u *account.User) error { return mayCreateGroup(u) }

// JoinState is where a viewer stands with a group, which decides what
// the group page's join button offers.
type JoinState string

// Join states, as the page names them.
const (
	JoinSignIn  JoinState = "signin"  // a visitor: sign in first
	JoinOpen    JoinState = "join"    // joins at once
	JoinRequest JoinState = "request" // asks, and a moderator approves
	JoinPending JoinState = "pending" // asked, not yet approved
	JoinBanned  JoinState = "banned"
	JoinMember  JoinState = "leave" // a member, who may leave
	JoinOwner   JoinState = "owner" // owners cannot leave their group
)

// SignInFirst, MayJoin, NeedsApproval, Pending, Banned and MayLeave are
// what the join button asks of the state.
func (j JoinState) SignInFirst() bool   { return j == JoinSignIn }
func (j JoinState) MayJoin() bool       { return j == JoinOpen || j == JoinRequest }
func (j JoinState) NeedsApproval() bool { return j == JoinRequest }
func (j JoinState) Pending() bool       { return j == JoinPending }
func (j JoinState) Banned() bool        { return j == JoinBanned }
func (j JoinState) MayLeave() bool      { return j == JoinMember }

// JoinState tells where the viewer stands with the group.
func (v *GroupView) JoinState() JoinState {
	m := v.Access.Member
	switch {
	case !v.Access.SignedIn:
		return JoinSignIn
	case m == nil && v.Group.JoinPolicy == joinApproval:
		return JoinRequest
	case m == nil:
		return JoinOpen
	case m.Role == RoleOwner:
		return JoinOwner
	case m.Status == StatusPending:
		return JoinPending
	case m.Status == StatusBanned:
		return JoinBanned
	}
	return JoinMember
}

// membership reads the viewer's membership of groupID; nil without one.
func (s *Service) membership(ctx context.Context, groupID, userID string) (*Membership, error) {
	if userID == "" {
		return nil, nil
	}
	var m Membership
	err := s.memberships.FindOne(ctx, bson.M{"_id": membershipID(groupID, userID)}).Decode(&m)
	if mongodb.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, mongodb.Classify("read membership "+groupID, err)
	}
	return &m, nil
}

// accessTo decides what viewer may do in groupID, reading the membership
// and, only when it does not decide alone, the group: at most two reads.
// g is returned when it was read.
func (s *Service) accessTo(ctx context.Context, viewer *account.User, groupID string) (Access, *Group, error) {
	var m *Membership
	var err error
	if viewer != nil {
		if m, err = s.membership(ctx, groupID, viewer.ID); err != nil {
			return Access{}, nil, err
		}
	}
	if !needsGroup(viewer, m) {
		return accessOf(viewer, nil, m), nil, nil
	}
	g, err := s.group(ctx, groupID)
	if err != nil {
		return Access{}, nil, err
	}
	return accessOf(viewer, g, m), g, nil
}

// CanRead tells which of groupIDs userID is an active member of, and so
// may read even when the group is private.
func (s *Service) CanRead(ctx context.Context, userID string, groupIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(groupIDs) == 0 {
		return out, nil
	}
	// One read by _id per group: embedded FerretDB serves only a bare
	// {_id: x} filter by key, and scans the collection for an $in.
	for _, g := range groupIDs {
		if _, done := out[g]; done {
			continue
		}
		m, err := s.membership(ctx, g, userID)
		if err != nil {
			return nil, err
		}
		out[g] = m.Active()
	}
	return out, nil
}

// privateNow tells from the group itself, not a thread's copy of it (which
// may lag a change), whether its posts are for members only; when the
// group cannot be read it errs on the side of private.
func (s *Service) privateNow(ctx context.Context, groupID string) bool {
	g, err := s.group(ctx, groupID)
	return err != nil || g.Private()
}
