package community

import (
	"testing"

	"guildhall/internal/account"
)

// A role is a viewer and their membership, as accessOf is given them.
type role struct {
	name   string
	viewer *account.User
	m      *Membership
}

func roles() []role {
	person := &account.User{ID: "u1", Handle: "u1"}
	admin := &account.User{ID: "a1", Handle: "a1", Roles: []string{account.RoleAdmin}}
	with := func(r, status string) *Membership {
		return &Membership{ID: "g1:u1", GroupID: "g1", User: Person{ID: "u1"}, Role: r, Status: status}
	}
	return []role{
		{"visitor", nil, nil},
		{"non-member", person, nil},
		{"pending", person, with(RoleMember, StatusPending)},
		{"member", person, with(RoleMember, StatusActive)},
		{"moderator", person, with(RoleModerator, StatusActive)},
		{"owner", person, with(RoleOwner, StatusActive)},
		{"banned", person, with(RoleMember, StatusBanned)},
		{"admin", admin, nil},
	}
}

func TestAccessOf(t *testing.T) {
	// What each role may do in a public and a private group: read, post,
	// moderate, manage (change the group, appoint moderators).
	type may struct{ read, post, moderate, manage bool }
	want := map[string]map[string]may{
		"visitor":    {visibilityPublic: {read: true}, visibilityPrivate: {}},
		"non-member": {visibilityPublic: {read: true}, visibilityPrivate: {}},
		"pending":    {visibilityPublic: {read: true}, visibilityPrivate: {}},
		"member":     {visibilityPublic: {true, true, false, false}, visibilityPrivate: {true, true, false, false}},
		"moderator":  {visibilityPublic: {true, true, true, false}, visibilityPrivate: {true, true, true, false}},
		"owner":      {visibilityPublic: {true, true, true, true}, visibilityPrivate: {true, true, true, true}},
		"banned":     {visibilityPublic: {read: true}, visibilityPrivate: {}},
		"admin":      {visibilityPublic: {true, false, true, true}, visibilityPrivate: {true, false, true, true}},
	}
	for _, r := range roles() {
		for _, vis := range []string{visibilityPublic, visibilityPrivate} {
			t.Run(r.name+"/"+vis, func(t *testing.T) {
				a := accessOf(r.viewer, &Group{ID: "g1", Visibility: vis}, r.m)
				got := may{a.Read, a.Post, a.Moderate, a.Manage}
				if got != want[r.name][vis] {
					t.Fatalf("got %+v, want %+v", got, want[r.name][vis])
				}
				if a.Own != (r.name == "owner") || a.Admin != (r.name == "admin") {
					t.Fatalf("own %v, admin %v", a.Own, a.Admin)
				}
				if a.SignedIn != (r.viewer != nil) || a.Member != r.m {
					t.Fatalf("signed in %v, member %v", a.SignedIn, a.Member)
				}
			})
		}
	}
}

func TestNeedsGroup(t *testing.T) {
	needs := map[string]bool{"visitor": true, "non-member": true, "pending": true, "banned": true,
		"member": false, "moderator": false, "owner": false, "admin": false}
	for _, r := range roles() {
		t.Run(r.name, func(t *testing.T) {
			if got := needsGroup(r.viewer, r.m); got != needs[r.name] {
				t.Fatalf("needsGroup %v, want %v", got, needs[r.name])
			}
			if needs[r.name] {
				return
			}
			// Deciding without the group must decide as with it, whatever
			// its visibility.
			for _, vis := range []string{visibilityPublic, visibilityPrivate} {
				with := accessOf(r.viewer, &Group{ID: "g1", Visibility: vis}, r.m)
				if without := accessOf(r.viewer, nil, r.m); without != with {
					t.Fatalf("%s group: without it %+v, with it %+v", vis, without, with)
				}
			}
		})
	}
}

func TestAccess_MayChangeMember(t *testing.T) {
	// Who may change a member of each role: moderators handle members,
	// the owner and admins handle moderators too, nobody the owner.
	want := map[string]map[string]bool{
		"member":    {RoleMember: false, RoleModerator: false, RoleOwner: false},
		"moderator": {RoleMember: true, RoleModerator: false, RoleOwner: false},
		"owner":     {RoleMember: true, RoleModerator: true, RoleOwner: false},
		"admin":     {RoleMember: true, RoleModerator: true, RoleOwner: false},
		"visitor":   {RoleMember: false, RoleModerator: false, RoleOwner: false},
	}
	for _, r := range roles() {
		if want[r.name] == nil {
			continue
		}
		a := accessOf(r.viewer, &Group{ID: "g1", Visibility: visibilityPublic}, r.m)
		for target, may := range want[r.name] {
			if got := a.MayChangeMember(target); got != may {
				t.Errorf("%s changes a %s: %v, want %v", r.name, target, got, may)
			}
		}
	}
}

func TestGroupView_JoinState(t *testing.T) {
	for _, tc := range []struct {
		role   string
		policy string
		want   JoinState
	}{
		{"visitor", joinOpen, JoinSignIn},
		{"non-member", joinOpen, JoinOpen},
		{"non-member", joinApproval, JoinRequest},
		{"admin", joinApproval, JoinRequest},
		{"pending", joinApproval, JoinPending},
		{"banned", joinOpen, JoinBanned},
		{"member", joinOpen, JoinMember},
		{"moderator", joinApproval, JoinMember},
		{"owner", joinOpen, JoinOwner},
	} {
		t.Run(tc.role+"/"+tc.policy, func(t *testing.T) {
			for _, r := range roles() {
				if r.name != tc.role {
					continue
				}
				g := &Group{ID: "g1", Visibility: visibilityPublic, JoinPolicy: tc.policy}
				v := &GroupView{Group: g, Access: accessOf(r.viewer, g, r.m)}
				if got := v.JoinState(); got != tc.want {
					t.Fatalf("join state %q, want %q", got, tc.want)
				}
			}
		})
	}
}
