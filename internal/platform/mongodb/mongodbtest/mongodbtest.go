// Package mongodbtest opens a real database for tests: embedded FerretDB on
// SQLite in a temp dir, or the MongoDB at GUILDHALL_TEST_MONGO_URI, with a
// fresh database per test.
package mongodbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/platform/mongodb"
)

// MustOpen returns a connected DB with an empty database of its own, closed
// (and dropped on MongoDB) when the test ends.
func MustOpen(tb testing.TB) *mongodb.DB {
	tb.Helper()
	return MustOpenWith(tb, nil)
}

// MustOpenWith is MustOpen with a command callback (for metrics tests).
func MustOpenWith(tb testing.TB, onCommand func(string)) *mongodb.DB {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := mongodb.Open(ctx, mongodb.Options{
		URI:       os.Getenv("GUILDHALL_TEST_MONGO_URI"),
		Database:  name,
		DataDir:   tb.TempDir(),
		Timeout:   10 * time.Second,
		Logger:    slog.New(slog.DiscardHandler),
		OnCommand: onCommand,
	})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if !db.Embedded {
			_ = db.Database.Drop(ctx)
		}
		// A test may have disconnected on purpose to play an outage.
		if err := db.Close(ctx); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
			tb.Errorf("close test database: %v", err)
		}
	})
	return db
}
