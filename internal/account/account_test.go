package account

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/media"
	fsblob "guildhall/internal/platform/blob/fs"

	"guildhall/internal/platform/indexqueue"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/platform/search"
	blevesearch "guildhall/internal/platform/search/bleve"
	"guildhall/internal/problem"
	"guildhall/internal/ratelimit"
)

var cheap = Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// realImages is the media service on a blob folder: avatars go through it.
func realImages(tb testing.TB, db *mongo.Database) Images {
	store, err := fsblob.New(tb.TempDir(), "/media")
	if err != nil {
		tb.Fatal(err)
	}
	return media.New(db, media.Deps{Store: store}, media.Options{Logger: slog.New(slog.DiscardHandler)})
}

func mustOpen(t *testing.T) (*Service, search.Index) {
	t.Helper()
	db := mongodbtest.MustOpen(t)
	ix, err := blevesearch.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.EnsureSchema(context.Background(), SearchSchema); err != nil {
		t.Fatal(err)
	}
	q := indexqueue.New(db.Database, ix, indexqueue.Options{})
	return New(db.Database, Deps{Images: realImages(t, db.Database), Index: q, Limiter: ratelimit.New(db.Database, false)}, Options{Argon2: cheap, Logger: slog.New(slog.DiscardHandler)}), ix
}

func signUp(handle string) SignUp {
	return SignUp{Email: handle + "@example.com", Password: "a long enough password", Handle: handle, DisplayName: "Name " + handle}
}

func TestAPasswordVerifiesOnlyAgainstItsOwnHash(t *testing.T) {
	h, err := hashPassword("correct horse battery", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := verifyPassword("correct horse battery", h); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := verifyPassword("correct horse batterY", h); ok {
		t.Fatal("a wrong password verified")
	}
	h2, _ := hashPassword("correct horse battery", DefaultArgon2)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestASignedUpUserIsFoundByHandleAndInSearch(t *testing.T) {
	s, ix := mustOpen(t)
	ctx := context.Background()
	u, token, err := s.SignUp(ctx, signUp("potter"), "1.2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ByHandle(ctx, "Potter")
	if err != nil || got.ID != u.ID {
		t.Fatalf("by handle: %v %v", got, err)
	}
	if me, err := s.Authenticate(ctx, token); err != nil || me.ID != u.ID {
		t.Fatalf("authenticate: %v %v", me, err)
	}
	res, err := ix.Search(ctx, SearchKind, search.Query{Text: "potter"})
	if err != nil || res.Total != 1 || res.Hits[0].ID != u.ID {
		t.Fatalf("search: %+v %v", res, err)
	}
	if _, ok := res.Hits[0].Document["email"]; ok {
		t.Fatal("the search index holds the email")
	}
}

func TestTheSessionTokenIsStoredOnlyAsAHash(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	_, token, err := s.SignUp(ctx, signUp("hasher"), "ip")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.sessions.FindOne(ctx, bson.M{"_id": token}).Err(); err == nil {
		t.Fatal("the raw token is a session _id")
	}
	if err := s.sessions.FindOne(ctx, bson.M{"_id": hashToken(token)}).Err(); err != nil {
		t.Fatalf("no session under the token's hash: %v", err)
	}
}

func TestAnExpiredSessionNoLongerAuthenticates(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	_, token, err := s.SignUp(ctx, signUp("sleeper"), "ip")
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
	_, err = s.Authenticate(ctx, token)
	if p, ok := problem.As(err); !ok || p.Code != "session_expired" {
		t.Fatalf("want session_expired, got %v", err)
	}
}

func TestAHandleLeftByASignUpThatDiedHalfWayIsFreedAfterAMinute(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	// A sign-up claimed the handle, then the process died before the user
	// document was written.
	if _, err := s.handles.InsertOne(ctx, bson.M{"_id": "ghost", "user_id": "never-written", "at": time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.SignUp(ctx, signUp("ghost"), "ip")
	if p, ok := problem.As(err); !ok || p.Code != "handle_taken" {
		t.Fatalf("a fresh claim may still be in flight: want handle_taken, got %v", err)
	}
	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, _, err := s.SignUp(ctx, signUp("ghost"), "ip"); err != nil {
		t.Fatalf("an abandoned claim should be taken over: %v", err)
	}
}

func TestAHandleOfARealUserIsNeverTakenOver(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	if _, _, err := s.SignUp(ctx, signUp("owner"), "ip"); err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Now().Add(time.Hour) }
	in := signUp("owner")
	in.Email = "thief@example.com"
	_, _, err := s.SignUp(ctx, in, "ip")
	if p, ok := problem.As(err); !ok || p.Code != "handle_taken" {
		t.Fatalf("want handle_taken, got %v", err)
	}
}

func TestSignInDoesNotSayWhichEmailsExist(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	if _, _, err := s.SignUp(ctx, signUp("known"), "ip"); err != nil {
		t.Fatal(err)
	}
	_, _, e1 := s.SignIn(ctx, Credentials{Email: "known@example.com", Password: "wrong password"}, "ip")
	_, _, e2 := s.SignIn(ctx, Credentials{Email: "unknown@example.com", Password: "wrong password"}, "ip")
	p1, _ := problem.As(e1)
	p2, _ := problem.As(e2)
	if p1 == nil || p2 == nil || p1.Code != p2.Code || p1.Message != p2.Message {
		t.Fatalf("answers differ: %v / %v", e1, e2)
	}
}

func TestADatabaseThatIsDownMakesWritesUnavailable(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ix, _ := blevesearch.Open(t.TempDir())
	defer ix.Close()
	q := indexqueue.New(db.Database, ix, indexqueue.Options{})
	s := New(db.Database, Deps{Images: realImages(t, db.Database), Index: q, Limiter: ratelimit.New(db.Database, false)}, Options{Argon2: cheap, Logger: slog.New(slog.DiscardHandler)})
	if err := db.Client.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.SignUp(context.Background(), signUp("offline"), "ip")
	if problem.KindOf(err) != problem.KindUnavailable {
		t.Fatalf("want unavailable, got %v", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal("not a cancellation")
	}
}

func BenchmarkSignInWithTheProductionArgon2Parameters(b *testing.B) {
	db := mongodbtest.MustOpen(b)
	ix, _ := blevesearch.Open(b.TempDir())
	defer ix.Close()
	_ = ix.EnsureSchema(context.Background(), SearchSchema)
	q := indexqueue.New(db.Database, ix, indexqueue.Options{})
	s := New(db.Database, Deps{Images: realImages(b, db.Database), Index: q, Limiter: ratelimit.New(db.Database, false)}, Options{Argon2: DefaultArgon2})
	ctx := context.Background()
	if _, _, err := s.SignUp(ctx, signUp("bencher"), "ip"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.SignIn(ctx, Credentials{Email: "bencher@example.com", Password: "a long enough password"}, "ip"); err != nil {
			b.Fatal(err)
		}
	}
}
