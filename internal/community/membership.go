package community

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/notify"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// errChanged is a conditional write that found the document changed since
// it was read; the caller may retry.
var errChanged = problem.Conflict("membership_changed", "", "membership_changed")

var roleRank = map[string]int{RoleOwner: 0, RoleModerator: 1, RoleMember: 2}

func projectMembership(raw bson.Raw) (search.Document, bool, error) {
	var m Membership
	if err := bson.Unmarshal(raw, &m); err != nil {
		return nil, false, err
	}
	return membershipDocument(&m), true, nil
}

func membershipDocument(m *Membership) search.Document {
	return search.Document{"id": m.ID, "group_id": m.GroupID, "user_id": m.User.ID, "handle": m.User.Handle,
		"name": m.User.Name, "avatar": m.User.AvatarURL, "role": m.Role, "status": m.Status,
		"role_rank": roleRank[m.Role], "since": float64(m.UpdatedAt.UnixMilli()) / 1000}
}

// writeMembership runs write under an index intent for m, whose fields
// must already hold the state write stores.
func (s *Service) writeMembership(ctx context.Context, m *Membership, write func(ctx context.Context) error) error {
	return s.queue.Write(ctx, MembersKind, m.ID, func(ctx context.Context) (search.Document, error) {
		if err := write(ctx); err != nil {
			if mongodb.IsDuplicate(err) {
				return nil, problem.Conflict("membership_changed", "", "membership_changed")
			}
			return nil, mongodb.Classify("write membership "+m.ID, err)
		}
		return membershipDocument(m), nil
	})
}

// listMember keeps the user's list of groups in step with m. Removal must
// come before the membership changes and addition after it, so a crash in
// between never leaves someone seeing a private group they were put out of.
// After an addition the membership is read again: if a ban or a leave
// landed meanwhile, the list follows what is stored now.
func (s *Service) listMember(ctx context.Context, m *Membership) error {
	if err := s.writeListing(ctx, m); err != nil || !m.Active() {
		return err
	}
	now, err := s.membership(ctx, m.GroupID, m.User.ID)
	if err != nil {
		return err
	}
	if now == nil {
		gone := *m
		gone.Status = ""
		return s.writeListing(ctx, &gone)
	}
	if now.Status != m.Status || now.Role != m.Role {
		return s.writeListing(ctx, now)
	}
	return nil
}

func (s *Service) writeListing(ctx context.Context, m *Membership) error {
	update := bson.M{}
	if m.Active() {
		update["$addToSet"] = bson.M{"active": m.GroupID}
	} else {
		update["$pullAll"] = bson.M{"active": []string{m.GroupID}}
	}
	if m.Active() && (m.Role == RoleOwner || m.Role == RoleModerator) {
		add, _ := update["$addToSet"].(bson.M)
		add["moderates"] = m.GroupID
	} else {
		pull, _ := update["$pullAll"].(bson.M)
		if pull == nil {
			pull = bson.M{}
			update["$pullAll"] = pull
		}
		pull["moderates"] = []string{m.GroupID}
	}
	_, err := s.userGroups.UpdateOne(ctx, bson.M{"_id": m.User.ID}, update, options.UpdateOne().SetUpsert(true))
	return mongodb.Classify("list groups of "+m.User.ID, err)
}

// userGroupsDoc is a user's groups (Subset of their memberships).
type userGroupsDoc struct {
	Active    []string `bson:"active"`
	Moderates []string `bson:"moderates"`
}

func (s *Service) userGroupsOf(ctx context.Context, userID string) (userGroupsDoc, error) {
	var d userGroupsDoc
	err := s.userGroups.FindOne(ctx, bson.M{"_id": userID}).Decode(&d)
	if err != nil && !mongodb.IsNotFound(err) {
		return d, mongodb.Classify("read groups of "+userID, err)
	}
	return d, nil
}

// Moderates returns the groups userID owns or moderates: one read by _id.
func (s *Service) Moderates(ctx context.Context, userID string) ([]string, error) {
	d, err := s.userGroupsOf(ctx, userID)
	return d.Moderates, err
}

// Joined returns the groups userID is an active member of: one read.
func (s *Service) Joined(ctx context.Context, userID string) ([]string, error) {
	d, err := s.userGroupsOf(ctx, userID)
	return d.Active, err
}

// count moves one of a group's counters. Callers move them only for a
// transition a single atomic write reported (an insert that created, a
// findOneAndX that returned the state before), so no guard is needed; the
// filter stays a bare _id, the one embedded FerretDB serves by key.
func (s *Service) count(ctx context.Context, groupID, field string, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := s.groups.UpdateOne(ctx, bson.M{"_id": groupID}, bson.M{"$inc": bson.M{"counts." + field: delta}})
	return mongodb.Classify("count "+field+" of group "+groupID, err)
}

// statusCounter is the group counter a membership status counts in.
func statusCounter(status string) string {
	switch status {
	case StatusActive:
		return "members"
	case StatusPending:
		return "pending"
	}
	return ""
}

// recount moves the group's counters for a status change.
func (s *Service) recount(ctx context.Context, groupID, before, after string) error {
	if before == after {
		return nil
	}
	if f := statusCounter(before); f != "" {
		if err := s.count(ctx, groupID, f, -1); err != nil {
			return err
		}
	}
	if f := statusCounter(after); f != "" {
		return s.count(ctx, groupID, f, 1)
	}
	return nil
}

// Join makes u a member of an open group or asks to join one that needs
// approval. Joining again answers the membership as it is; a banned user
// cannot come back.
func (s *Service) Join(ctx context.Context, u *account.User, groupID string) (*Membership, error) {
	g, err := s.group(ctx, groupID)
	if err != nil {
		return nil, err
	}
	m, err := s.membership(ctx, groupID, u.ID)
	if err != nil {
		return nil, err
	}
	if m != nil {
		if m.Status == StatusBanned {
			return nil, problem.Forbidden("banned_from_group")
		}
		// Joining again mends the user's list of groups if a crash after
		// the membership's insert left it behind (the list is a set).
		if err := s.listMember(ctx, m); err != nil {
			return nil, err
		}
		return m, nil
	}
	now := s.clock()
	m = &Membership{ID: membershipID(groupID, u.ID), GroupID: groupID, User: personOf(u), Role: RoleMember,
		Status: StatusActive, CreatedAt: now, UpdatedAt: now}
	if g.JoinPolicy == joinApproval {
		m.Status = StatusPending
	}
	err = s.writeMembership(ctx, m, func(ctx context.Context) error {
		_, err := s.memberships.InsertOne(ctx, m)
		return err
	})
	if problem.KindOf(err) == problem.KindConflict { // a racing join of the same user won
		return s.membership(ctx, groupID, u.ID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.listMember(ctx, m); err != nil {
		return nil, err
	}
	if err := s.recount(ctx, groupID, "", m.Status); err != nil {
		return nil, err
	}
	if m.Status == StatusPending {
		s.notify(ctx, g.Owner.ID, "join_request:"+m.ID, notify.Notification{Type: notify.TypeJoinRequest,
			Actor: actorOf(u), GroupID: g.ID, Private: g.Private(), Title: g.Name, URL: "/groups/" + g.ID + "/members?status=pending"})
	}
	return m, nil
}

// Leave ends u's membership. The owner cannot leave their group, and a
// banned user's record stays, or they could join again.
func (s *Service) Leave(ctx context.Context, u *account.User, groupID string) error {
	m, err := s.membership(ctx, groupID, u.ID)
	if err != nil || m == nil {
		return err
	}
	switch {
	case m.Role == RoleOwner:
		return problem.Conflict("owner_cannot_leave", "", "owner_cannot_leave")
	case m.Status == StatusBanned:
		return problem.Forbidden("banned_from_group")
	}
	return s.removeMembership(ctx, m, false)
}

// removeMembership deletes m and moves the counters by the status the
// deleted document really had. Unless liftBan (a moderator's choice), a ban
// that landed in between is put back: leaving must never lift a ban.
func (s *Service) removeMembership(ctx context.Context, m *Membership, liftBan bool) error {
	gone := *m
	gone.Status = ""
	if err := s.listMember(ctx, &gone); err != nil {
		return err
	}
	var deleted *Membership
	err := s.queue.Write(ctx, MembersKind, m.ID, func(ctx context.Context) (search.Document, error) {
		var d Membership
		err := s.memberships.FindOneAndDelete(ctx, bson.M{"_id": m.ID}).Decode(&d)
		if mongodb.IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, mongodb.Classify("remove membership "+m.ID, err)
		}
		deleted = &d
		if d.Status == StatusBanned && !liftBan {
			if _, err := s.memberships.InsertOne(ctx, d); err != nil && !mongodb.IsDuplicate(err) {
				return nil, mongodb.Classify("keep ban "+m.ID, err)
			}
			return membershipDocument(&d), nil
		}
		return nil, nil
	})
	if err != nil || deleted == nil {
		return err
	}
	if deleted.Status == StatusBanned && !liftBan {
		return problem.Forbidden("banned_from_group")
	}
	return s.recount(ctx, m.GroupID, deleted.Status, "")
}

// MemberChange is what a moderator changes of a membership.
type MemberChange struct {
	Role   *string
	Status *string
}

// SetMember approves, bans, reinstates, promotes or demotes the user with
// handle. Moderators handle members; only the owner (or an admin) handles
// moderators; nobody changes the owner. Banning someone who never joined
// keeps them out.
func (s *Service) SetMember(ctx context.Context, actor *account.User, groupID, handle string, in MemberChange) (*Membership, error) {
	a, g, err := s.accessTo(ctx, actor, groupID)
	if err != nil {
		return nil, err
	}
	if err := a.moderatable("group"); err != nil {
		return nil, err
	}
	f := map[string]string{}
	if in.Role != nil && *in.Role != RoleMember && *in.Role != RoleModerator {
		f["role"] = "role_unknown"
	}
	if in.Status != nil && *in.Status != StatusActive && *in.Status != StatusBanned {
		f["status"] = "status_unknown"
	}
	if in.Role == nil && in.Status == nil {
		f["status"] = "required"
	}
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	target, err := s.accounts.ByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	m, err := s.membership(ctx, groupID, target.ID)
	if err != nil {
		return nil, err
	}
	if m == nil {
		if in.Status == nil || *in.Status != StatusBanned {
			return nil, problem.NotFound("membership")
		}
		now := s.clock()
		m = &Membership{ID: membershipID(groupID, target.ID), GroupID: groupID, User: personOf(target),
			Role: RoleMember, CreatedAt: now, UpdatedAt: now}
	}
	if err := a.memberChangeable(m.Role, in.Role != nil && *in.Role != m.Role); err != nil {
		return nil, err
	}
	before := *m
	if in.Role != nil {
		m.Role = *in.Role
	}
	if in.Status != nil {
		m.Status = *in.Status
	}
	if m.Status == StatusBanned {
		m.Role = RoleMember
	}
	if before.Status == m.Status && before.Role == m.Role {
		return m, nil
	}
	m.UpdatedAt = s.clock()
	if err := s.changeMembership(ctx, &before, m); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, groupID, memberAction(&before, m), "user", target.ID, "")
	if before.Status == StatusPending && m.Status == StatusActive {
		if g == nil {
			if g, err = s.group(ctx, groupID); err != nil {
				return nil, err
			}
		}
		s.notify(ctx, target.ID, "join_approved:"+m.ID, notify.Notification{Type: notify.TypeJoinApproved,
			Actor: actorOf(actor), GroupID: groupID, Private: g.Private(), Title: g.Name, URL: "/groups/" + groupID})
	}
	return m, nil
}

// changeMembership stores m, conditional on the state before was read in,
// keeping the user's group list and the group's counters in step.
func (s *Service) changeMembership(ctx context.Context, before, m *Membership) error {
	losing := !m.Active() || before.Role != RoleMember && m.Role == RoleMember
	if losing && before.Status != "" { // access or rights go: unlist first
		if err := s.listMember(ctx, m); err != nil {
			return err
		}
	}
	// The replace returns the document as it was, atomically: the counters
	// move by the transition that really happened, even if another
	// moderator acted in between.
	was := before.Status
	err := s.writeMembership(ctx, m, func(ctx context.Context) error {
		if before.Status == "" {
			_, err := s.memberships.InsertOne(ctx, m)
			return err
		}
		var prior Membership
		err := s.memberships.FindOneAndReplace(ctx, bson.M{"_id": m.ID}, m).Decode(&prior)
		if mongodb.IsNotFound(err) { // they left meanwhile
			return fmt.Errorf("membership %s gone meanwhile: %w", m.ID, errChanged)
		}
		was = prior.Status
		return err
	})
	if err != nil {
		return err
	}
	if m.Active() {
		if err := s.listMember(ctx, m); err != nil {
			return err
		}
	}
	return s.recount(ctx, m.GroupID, was, m.Status)
}

func memberAction(before, after *Membership) string {
	switch {
	case after.Status == StatusBanned:
		return "ban"
	case before.Status == StatusPending:
		return "approve"
	case before.Status == StatusBanned:
		return "unban"
	case after.Role == RoleModerator:
		return "promote"
	}
	return "demote"
}

// RemoveMember takes someone out of a group, turns down their request or
// lifts their ban; they may ask to join again.
func (s *Service) RemoveMember(ctx context.Context, actor *account.User, groupID, handle string) error {
	a, _, err := s.accessTo(ctx, actor, groupID)
	if err != nil {
		return err
	}
	if err := a.moderatable("group"); err != nil {
		return err
	}
	target, err := s.accounts.ByHandle(ctx, handle)
	if err != nil {
		return err
	}
	m, err := s.membership(ctx, groupID, target.ID)
	if err != nil || m == nil {
		return err
	}
	if err := a.memberChangeable(m.Role, false); err != nil {
		return err
	}
	action := "remove"
	if m.Status == StatusBanned {
		action = "lift_ban" // they may ask to join again
	}
	if err := s.removeMembership(ctx, m, true); err != nil {
		return err
	}
	s.audit(ctx, actor, groupID, action, "user", target.ID, "")
	return nil
}

// MemberList is one page of a group's members.
type MemberList struct {
	Items      []MemberCard
	NextCursor *string
	Total      int
}

// MemberCard is a member as lists show them.
type MemberCard struct {
	Handle    string
	Name      string
	AvatarURL string
	Role      string
	Status    string
}

// Owner, Moderator, Pending and Banned tell a member's role and status.
func (c MemberCard) Owner() bool     { return c.Role == RoleOwner }
func (c MemberCard) Moderator() bool { return c.Role == RoleModerator }
func (c MemberCard) Pending() bool   { return c.Status == StatusPending }
func (c MemberCard) Banned() bool    { return c.Status == StatusBanned }

// Members lists a group's members with status (active by default), owner
// and moderators first. Who asked to join and who is banned is for
// moderators only.
func (s *Service) Members(ctx context.Context, viewer *account.User, groupID, status, cursor string, limit int) (*MemberList, error) {
	status, err := memberStatus(status)
	if err != nil {
		return nil, err
	}
	a, _, err := s.accessTo(ctx, viewer, groupID)
	if err != nil {
		return nil, err
	}
	return s.members(ctx, a, groupID, status, cursor, limit)
}

// MembersView is a group's members page: the group as the viewer sees
// it and one page of its members with Status.
type MembersView struct {
	*GroupView
	Status  string
	Members *MemberList
}

// MembersPage assembles a group's members page (see Members): the group
// and the viewer's membership by _id, and one search.
func (s *Service) MembersPage(ctx context.Context, viewer *account.User, groupID, status, cursor string, limit int) (*MembersView, error) {
	status, err := memberStatus(status)
	if err != nil {
		return nil, err
	}
	v, err := s.Group(ctx, viewer, groupID)
	if err != nil {
		return nil, err
	}
	l, err := s.members(ctx, v.Access, groupID, status, cursor, limit)
	if err != nil {
		return nil, err
	}
	return &MembersView{GroupView: v, Status: status, Members: l}, nil
}

// memberStatus checks the status a list of members is asked for.
func memberStatus(status string) (string, error) {
	if status == "" {
		return StatusActive, nil
	}
	if status != StatusActive && status != StatusPending && status != StatusBanned {
		return "", problem.InvalidField("status", "status_unknown")
	}
	return status, nil
}

// members is one search for the group's members with status, when a may
// see them.
func (s *Service) members(ctx context.Context, a Access, groupID, status, cursor string, limit int) (*MemberList, error) {
	var err error
	if status == StatusActive {
		err = a.readable("group")
	} else {
		err = a.moderatable("group")
	}
	if err != nil {
		return nil, err
	}
	q, err := listQuery(cursor, limit)
	if err != nil {
		return nil, err
	}
	q.Filters = []search.Filter{{Field: "group_id", Values: []any{groupID}}, {Field: "status", Values: []any{status}}}
	q.Sort = []search.Sort{{Field: "role_rank"}, {Field: "since"}}
	res, err := s.index.Search(ctx, MembersKind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("list members of %s: %w", groupID, err))
	}
	p := &MemberList{Items: make([]MemberCard, 0, len(res.Hits)), Total: res.Total,
		NextCursor: search.NextCursor(q.Offset, q.Limit, len(res.Hits), res.Total)}
	for _, h := range res.Hits {
		str := func(k string) string { v, _ := h.Document[k].(string); return v }
		p.Items = append(p.Items, MemberCard{Handle: str("handle"), Name: str("name"), AvatarURL: str("avatar"),
			Role: str("role"), Status: str("status")})
	}
	return p, nil
}
