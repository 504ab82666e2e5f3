// Package account is sign-up, sign-in, sessions and the user's own settings.
// Users are found by _id; handles and emails are unique through alias
// documents keyed by them, so a lookup by either is one read by _id.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/ratelimit"
)

// Collections owned by this feature.
const (
	UsersCollection    = "users"
	HandlesCollection  = "handles"
	LoginsCollection   = "logins"
	SessionsCollection = "sessions"
)

// SearchKind is the search index of public profiles.
const SearchKind = "users"

// SearchSchema declares the users index.
var SearchSchema = search.Schema{
	Kind:         SearchKind,
	Searchable:   []string{"handle", "display_name", "bio"},
	Filterable:   []string{"roles"},
	Sortable:     []string{"created_at"},
	RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
}

// Roles a user may hold besides being a member.
const (
	RoleMaker   = "maker" // has opened a studio
	RoleCurator = "curator"
	RoleAdmin   = "admin"
)

// Locales a user may choose; empty means "as the browser asks".
var Locales = []string{"en", "zh-CN"}

// User is a person with an account.
type User struct {
	ID            string   `bson:"_id"`
	Handle        string   `bson:"handle"`
	Email         string   `bson:"email"`
	DisplayName   string   `bson:"display_name"`
	Bio           string   `bson:"bio"`
	AvatarMediaID string   `bson:"avatar_media_id,omitempty"`
	AvatarURL     string   `bson:"avatar_url,omitempty"`
	Locale        string   `bson:"locale,omitempty"`
	Roles         []string `bson:"roles,omitempty"`
	// Muted are the users whose posts this user has collapsed; kept here
	// because every page reads the user anyway.
	Muted []string `bson:"muted,omitempty"`
	// Unread counts notifications not yet read, for the bell on every page
	// (Computed pattern; the notify feature moves it).
	Unread int `bson:"unread_notifications"`
	// CartCount is how many items the user's cart holds, for the header
	// (Computed pattern; the commerce feature moves it).
	CartCount int `bson:"cart_count"`
	// Sessions are the devices the user is signed in on, by session id: a
	// session is live while it is listed here (see Authenticate).
	Sessions  map[string]SessionRecord `bson:"sessions,omitempty"`
	CreatedAt time.Time                `bson:"created_at"`
	UpdatedAt time.Time                `bson:"updated_at"`
}

// HasRole reports whether u holds role.
func (u *User) HasRole(role string) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func (u *User) searchDocument() search.Document {
	return search.Document{
		"id": u.ID, "handle": u.Handle, "display_name": u.DisplayName, "bio": u.Bio,
		"roles": append([]string{}, u.Roles...), "created_at": u.CreatedAt.Unix(),
	}
}

// Images attaches an uploaded image to its uploader's profile and returns
// the URL of a variant; an id the user did not upload is a field error.
type Images interface {
	AttachURL(ctx context.Context, ownerID, field, id, variant string) (string, error)
}

// Limiter counts attempts per key (Allow), and failures per key with a
// wait that grows with each (Wait, Fail, Forgive).
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) error
	Wait(ctx context.Context, key string, b ratelimit.Backoff) error
	Fail(ctx context.Context, key string) error
	Forgive(ctx context.Context, key string) error
}

// Limits are the rate limits this feature enforces. Sign-in has a hard
// limit per address, and failed passwords for one account from one
// address make that address wait longer each time: someone else's
// failures never lock an account's owner out.
type Limits struct {
	SignInPerIP, SignUpPerIP Rate
	SignInFailures           ratelimit.Backoff
	ResetPerIP               Rate // password-reset requests from one address
}

// Rate is limit events per window.
type Rate struct {
	Limit  int
	Window time.Duration
}

// Deps are the services accounts build on.
type Deps struct {
	Mailer  Mailer // nil: mail that would go out is logged for the operator
	Images  Images
	Index   search.Indexer
	Limiter Limiter
}

// Options configure the service.
type Options struct {
	Argon2        Argon2Params
	SessionMaxAge time.Duration
	SessionIdle   time.Duration // a session unused this long ends (default 14 days)
	// BaseURL is the public origin, for the links mail carries.
	BaseURL string
	Limits  Limits
	Logger  *slog.Logger
}

// Service implements accounts.
type Service struct {
	users, handles, logins, sessions *mongo.Collection
	resets                           *mongo.Collection
	mailer                           Mailer
	images                           Images
	index                            search.Indexer
	limiter                          Limiter
	opt                              Options
	now                              func() time.Time
	dummyHash                        string
}

// New returns the account service on db.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.SessionMaxAge <= 0 {
		o.SessionMaxAge = 30 * 24 * time.Hour
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = 14 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{
		users: db.Collection(UsersCollection), handles: db.Collection(HandlesCollection),
		logins: db.Collection(LoginsCollection), sessions: db.Collection(SessionsCollection),
		resets: db.Collection(ResetsCollection), mailer: d.Mailer,
		images: d.Images, index: d.Index, limiter: d.Limiter, opt: o, now: time.Now,
	}
	// Sign-in for an unknown email verifies against this hash, so the answer
	// takes as long as for a known one and does not reveal which emails exist.
	s.dummyHash, _ = hashPassword("not a real password", o.Argon2)
	d.Index.Register(SearchKind, UsersCollection, projectUser)
	return s
}

func projectUser(raw bson.Raw) (search.Document, bool, error) {
	var u User
	if err := bson.Unmarshal(raw, &u); err != nil {
		return nil, false, err
	}
	return u.searchDocument(), true, nil
}

// newToken returns a session token and the hash stored as its _id: a leaked
// sessions collection does not hand out working tokens.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Indexes expire sessions on MongoDB; Authenticate checks expiry anyway.
var Indexes = []mongodb.Index{
	{Collection: SessionsCollection, Keys: bson.D{{Key: "expires_at", Value: 1}}, TTL: true},
	{Collection: ResetsCollection, Keys: bson.D{{Key: "expires_at", Value: 1}}, TTL: true},
}
