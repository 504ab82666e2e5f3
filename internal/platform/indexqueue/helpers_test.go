package indexqueue_test

import (
	"log/slog"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func upsert() *options.ReplaceOptionsBuilder { return options.Replace().SetUpsert(true) }

func testLogger(t *testing.T) *slog.Logger { return slog.New(slog.DiscardHandler) }
