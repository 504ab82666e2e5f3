package community

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/maker"
	"guildhall/internal/moderation"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// GroupInput is what an owner sets; nil fields are left as they are.
type GroupInput struct {
	Name         *string
	Description  *string
	Rules        *string
	CoverMediaID *string
	Visibility   *string
	JoinPolicy   *string
}

func (in GroupInput) apply(g *Group, create bool) error {
	f := map[string]string{}
	set := func(dst *string, v *string, field string, min, max int) {
		if v == nil {
			if create && min > 0 {
				f[field] = "required"
			}
			return
		}
		*dst = strings.TrimSpace(*v)
		problem.CheckLength(f, field, *dst, min, max)
	}
	set(&g.Name, in.Name, "name", 1, 60)
	set(&g.Description, in.Description, "description", 0, 2000)
	set(&g.Rules, in.Rules, "rules", 0, 2000)
	if in.Visibility != nil {
		g.Visibility = *in.Visibility
	}
	if in.JoinPolicy != nil {
		g.JoinPolicy = *in.JoinPolicy
	}
	if g.Visibility != visibilityPublic && g.Visibility != visibilityPrivate {
		f["visibility"] = "visibility_unknown"
	}
	if g.JoinPolicy != joinOpen && g.JoinPolicy != joinApproval {
		f["join_policy"] = "join_policy_unknown"
	}
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

// prepare renders the Markdown and attaches the cover.
func (s *Service) prepareGroup(ctx context.Context, ownerID string, g *Group, in GroupInput) error {
	var err error
	if g.DescriptionHTML, err = s.md.HTML(g.Description); err != nil {
		return err
	}
	if g.RulesHTML, err = s.md.HTML(g.Rules); err != nil {
		return err
	}
	if in.CoverMediaID != nil {
		g.CoverMediaID, g.CoverURL = *in.CoverMediaID, ""
		if g.CoverMediaID != "" {
			if g.CoverURL, err = s.media.AttachURL(ctx, ownerID, "cover_media_id", g.CoverMediaID, "large"); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateGroup makes a group owned by u, who must be a maker. Writes go in
// an order that a crash leaves harmless: the owner's membership first (an
// orphan membership is invisible), then the group, then the lists that
// point at it.
func (s *Service) CreateGroup(ctx context.Context, u *account.User, in GroupInput) (*Group, error) {
	if err := mayCreateGroup(u); err != nil {
		return nil, err
	}
	st, err := s.makers.ByID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(st.Groups) >= maxGroupsPerMaker {
		return nil, problem.Conflict("too_many_groups", "name", "too_many_groups")
	}
	now := s.clock()
	g := &Group{ID: mongodb.NewID(), Owner: personOf(u), Visibility: visibilityPublic, JoinPolicy: joinOpen,
		Counts: GroupCounts{Members: 1}, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(g, true); err != nil {
		return nil, err
	}
	if err := s.prepareGroup(ctx, u.ID, g, in); err != nil {
		return nil, err
	}
	g.Carried = g.carriable()
	owner := &Membership{ID: membershipID(g.ID, u.ID), GroupID: g.ID, User: personOf(u), Role: RoleOwner,
		Status: StatusActive, CreatedAt: now, UpdatedAt: now}
	if err := s.writeMembership(ctx, owner, func(ctx context.Context) error {
		_, err := s.memberships.InsertOne(ctx, owner)
		return err
	}); err != nil {
		return nil, err
	}
	if _, err := s.groups.InsertOne(ctx, g); err != nil {
		return nil, mongodb.Classify("insert group", err)
	}
	if err := s.listMember(ctx, owner); err != nil {
		return nil, err
	}
	if err := s.makers.SetGroup(ctx, u.ID, groupRef(g)); err != nil {
		return nil, err
	}
	return g, nil
}

// carriable is what threads copy of their group, as one comparable value.
func (g *Group) carriable() string { return g.Visibility + "\x00" + g.Name }

func groupRef(g *Group) maker.GroupRef {
	return maker.GroupRef{ID: g.ID, Name: g.Name, Visibility: g.Visibility, URL: "/groups/" + g.ID}
}

// group reads a group by _id.
func (s *Service) group(ctx context.Context, id string) (*Group, error) {
	var g Group
	if err := s.groups.FindOne(ctx, bson.M{"_id": id}).Decode(&g); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("group")
		}
		return nil, mongodb.Classify("read group "+id, err)
	}
	return &g, nil
}

// GroupView is a group as one viewer sees it.
type GroupView struct {
	Group  *Group
	Access Access
	// Threads are one page of its threads in the order Sort names, when
	// the view is its page (see GroupPage) and the viewer may read them.
	Threads *ThreadList
	Sort    string
}

// Group returns a group and what viewer may do in it. A private group's
// name and description are public (people must find it to ask to join);
// its threads are not.
func (s *Service) Group(ctx context.Context, viewer *account.User, id string) (*GroupView, error) {
	g, err := s.group(ctx, id)
	if err != nil {
		return nil, err
	}
	var m *Membership
	if viewer != nil {
		if m, err = s.membership(ctx, id, viewer.ID); err != nil {
			return nil, err
		}
	}
	v := &GroupView{Group: g, Access: accessOf(viewer, g, m)}
	if v.Limited() {
		g.Rules, g.RulesHTML = "", ""
		g.Counts.Pending, g.Counts.Threads = 0, 0
	}
	return v, nil
}

// Limited reports a private group seen from outside: the viewer learns
// its name, description and member count, and nothing of its life inside.
func (v *GroupView) Limited() bool { return v.Group.Private() && !v.Access.Read }

// GroupToEdit is a group for its edit form, for those who may change it
// (see UpdateGroup).
func (s *Service) GroupToEdit(ctx context.Context, u *account.User, id string) (*Group, error) {
	v, err := s.Group(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := v.Access.managed(); err != nil {
		return nil, err
	}
	return v.Group, nil
}

// UpdateGroup changes a group; its owner and admins may. A new name or
// visibility is carried to the group's threads (their copies decide who
// finds them in search) and to the maker's page.
func (s *Service) UpdateGroup(ctx context.Context, u *account.User, id string, in GroupInput) (*Group, error) {
	v, err := s.Group(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := v.Access.managed(); err != nil {
		return nil, err
	}
	g := v.Group
	before := *g
	if err := in.apply(g, false); err != nil {
		return nil, err
	}
	if err := s.prepareGroup(ctx, g.Owner.ID, g, in); err != nil {
		return nil, err
	}
	g.UpdatedAt = s.clock()
	set := bson.M{"name": g.Name, "description": g.Description, "description_html": g.DescriptionHTML,
		"rules": g.Rules, "rules_html": g.RulesHTML, "cover_media_id": g.CoverMediaID, "cover_url": g.CoverURL,
		"visibility": g.Visibility, "join_policy": g.JoinPolicy, "updated_at": g.UpdatedAt}
	if _, err := s.groups.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set}); err != nil {
		return nil, mongodb.Classify("update group "+id, err)
	}
	if g.Name != before.Name || g.Visibility != before.Visibility {
		if err := s.makers.SetGroup(ctx, g.Owner.ID, groupRef(g)); err != nil {
			return nil, err
		}
	}
	if g.Carried != g.carriable() {
		if err := s.carryToThreads(ctx, g); err != nil {
			return nil, err
		}
		g.Carried = g.carriable()
		if _, err := s.groups.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"carried": g.Carried}}); err != nil {
			return nil, mongodb.Classify("mark group carried "+id, err)
		}
	}
	if g.Visibility != before.Visibility {
		s.audit(ctx, u, g.ID, "visibility_"+g.Visibility, "group", g.ID, "")
		s.publicChanged(ctx)
	}
	return g, nil
}

// carryToThreads refreshes the group's copies in each of its threads and
// re-indexes them, newest first, paging by creation time (offsets stop at
// search.MaxOffset). Until it is done, thread search also checks each hit's
// group (see visibleHits), so a group made private leaks nothing meanwhile.
func (s *Service) carryToThreads(ctx context.Context, g *Group) error {
	done := map[string]bool{}
	var before *float64
	for {
		filters := []search.Filter{{Field: "group_id", Values: []any{g.ID}}}
		if before != nil {
			filters = append(filters, search.Filter{Field: "created_at", Max: before})
		}
		res, err := s.index.Search(ctx, ThreadsKind, search.Query{Filters: filters,
			Sort: []search.Sort{{Field: "created_at", Desc: true}}, Limit: 100})
		if err != nil {
			return problem.Unavailable("search", fmt.Errorf("list threads of group %s: %w", g.ID, err))
		}
		fresh := 0
		for _, h := range res.Hits {
			if done[h.ID] {
				continue // the page boundary repeats threads of the same millisecond
			}
			done[h.ID] = true
			fresh++
			if err := s.carryToThread(ctx, g, h.ID); err != nil {
				return err
			}
		}
		if len(res.Hits) < 100 || fresh == 0 {
			return nil
		}
		last, _ := search.Number(res.Hits[len(res.Hits)-1].Document["created_at"])
		before = &last
	}
}

func (s *Service) carryToThread(ctx context.Context, g *Group, id string) error {
	return s.queue.Write(ctx, ThreadsKind, id, func(ctx context.Context) (search.Document, error) {
		var t Thread
		err := s.threads.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{
			"group_name": g.Name, "group_visibility": g.Visibility}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&t)
		if mongodb.IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, mongodb.Classify("carry group to thread "+id, err)
		}
		return s.threadDocument(&t), nil
	})
}

// audit records a moderator's action; a failure is logged, not returned,
// since the action itself is done.
func (s *Service) audit(ctx context.Context, actor *account.User, groupID, action, targetType, targetID, note string) {
	err := s.moderation.Record(ctx, moderation.Entry{GroupID: groupID, ActorID: actor.ID, ActorHandle: actor.Handle,
		Action: action, TargetType: targetType, TargetID: targetID, Note: note, At: time.Now().UTC()})
	if err != nil {
		s.log.WarnContext(ctx, "record moderation action", "action", action, "group", groupID, "err", err)
	}
}
