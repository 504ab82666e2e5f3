package account

import (
	"context"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// ProfileChange is a partial update of the user's own settings; nil fields
// stay as they are.
type ProfileChange struct {
	DisplayName   *string
	Bio           *string
	AvatarMediaID *string
	Locale        *string
}

// ByHandle returns the user with handle, by its alias document.
func (s *Service) ByHandle(ctx context.Context, handle string) (*User, error) {
	handle = NormaliseHandle(handle)
	if !handlePattern.MatchString(handle) {
		return nil, problem.NotFound("user")
	}
	var alias struct {
		UserID string `bson:"user_id"`
	}
	if err := s.handles.FindOne(ctx, bson.M{"_id": handle}).Decode(&alias); err != nil {
		if isNotFound(err) {
			return nil, problem.NotFound("user")
		}
		return nil, mongodb.Classify("read handle "+handle, err)
	}
	u, err := s.userByID(ctx, alias.UserID)
	if isNotFound(err) {
		return nil, problem.NotFound("user")
	}
	return u, err
}

// UpdateProfile applies change to the user's own profile.
func (s *Service) UpdateProfile(ctx context.Context, u *User, change ProfileChange) (*User, error) {
	fields := map[string]string{}
	set := bson.M{}
	if change.DisplayName != nil {
		v := strings.TrimSpace(*change.DisplayName)
		checkText("display_name", v, 1, 50, fields)
		set["display_name"] = v
	}
	if change.Bio != nil {
		v := strings.TrimSpace(*change.Bio)
		checkText("bio", v, 0, 500, fields)
		set["bio"] = v
	}
	if change.Locale != nil {
		if *change.Locale != "" && !validLocale(*change.Locale) {
			fields["locale"] = "locale_unknown"
		}
		set["locale"] = *change.Locale
	}
	if len(fields) > 0 {
		return nil, problem.Invalid(fields)
	}
	if change.AvatarMediaID != nil {
		v := strings.TrimSpace(*change.AvatarMediaID)
		set["avatar_media_id"], set["avatar_url"] = v, ""
		if v != "" {
			url, err := s.images.AttachURL(ctx, u.ID, "avatar_media_id", v, "thumb")
			if err != nil {
				return nil, err
			}
			set["avatar_url"] = url
		}
	}
	if len(set) == 0 {
		return u, nil
	}
	set["updated_at"] = s.now().UTC().Truncate(time.Millisecond)
	var updated User
	err := s.index.Write(ctx, SearchKind, u.ID, func(ctx context.Context) (search.Document, error) {
		err := s.users.FindOneAndUpdate(ctx, bson.M{"_id": u.ID}, bson.M{"$set": set},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&updated)
		if err != nil {
			return nil, mongodb.Classify("update user "+u.ID, err)
		}
		return updated.searchDocument(), nil
	})
	if err != nil {
		return nil, err
	}
	return &updated, nil
}

// IDByHandle returns the id of the user with handle: one read by _id.
func (s *Service) IDByHandle(ctx context.Context, handle string) (string, error) {
	handle = NormaliseHandle(handle)
	if !handlePattern.MatchString(handle) {
		return "", problem.NotFound("user")
	}
	var alias struct {
		UserID string `bson:"user_id"`
	}
	if err := s.handles.FindOne(ctx, bson.M{"_id": handle}).Decode(&alias); err != nil {
		if isNotFound(err) {
			return "", problem.NotFound("user")
		}
		return "", mongodb.Classify("read handle "+handle, err)
	}
	return alias.UserID, nil
}

// GrantRole gives userID a role (idempotent) and returns the user.
func (s *Service) GrantRole(ctx context.Context, userID, role string) (*User, error) {
	var updated User
	err := s.index.Write(ctx, SearchKind, userID, func(ctx context.Context) (search.Document, error) {
		err := s.users.FindOneAndUpdate(ctx, bson.M{"_id": userID}, bson.M{"$addToSet": bson.M{"roles": role}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&updated)
		if err != nil {
			if isNotFound(err) {
				return nil, problem.NotFound("user")
			}
			return nil, mongodb.Classify("grant role "+role, err)
		}
		return updated.searchDocument(), nil
	})
	if err != nil {
		return nil, err
	}
	return &updated, nil
}

// GrantableRoles are the roles admins hand out (maker comes with a studio).
var GrantableRoles = []string{RoleCurator, RoleAdmin}

// ChangeRoles adds and removes grantable roles of the user with handle.
func (s *Service) ChangeRoles(ctx context.Context, handle string, add, remove []string) (*User, error) {
	for _, list := range [][]string{add, remove} {
		for _, r := range list {
			if !slices.Contains(GrantableRoles, r) {
				return nil, problem.InvalidField("roles", "role_unknown")
			}
		}
	}
	id, err := s.IDByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	var u *User
	for _, r := range add {
		if u, err = s.GrantRole(ctx, id, r); err != nil {
			return nil, err
		}
	}
	if len(remove) > 0 {
		var updated User
		err := s.index.Write(ctx, SearchKind, id, func(ctx context.Context) (search.Document, error) {
			err := s.users.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$pullAll": bson.M{"roles": remove}},
				options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&updated)
			if err != nil {
				return nil, mongodb.Classify("revoke roles", err)
			}
			return updated.searchDocument(), nil
		})
		if err != nil {
			return nil, err
		}
		u = &updated
	}
	if u == nil {
		return s.userByID(ctx, id)
	}
	return u, nil
}

// Empty reports whether no one has signed up yet (for first-start demos).
func (s *Service) Empty(ctx context.Context) (bool, error) {
	n, err := s.users.EstimatedDocumentCount(ctx)
	return n == 0, mongodb.Classify("count users", err)
}
