package mongodb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb/mongodbtest"
)

// BenchmarkReadsBesideAWriter asks whether embedded FerretDB's reads could
// run on a pool while writes stay on the one connection that keeps them
// exact: 16 readers fetch 2 KiB documents by _id while one writer $incs a
// counter, with the readers on the writer's connection and then on a pool of
// their own, side by side in one run. It reports reads/s, the readers' p99
// and writes/s, and fails if a write was lost.
//
//	go test -run '^$' -bench ReadsBesideAWriter -benchtime 4000x ./internal/platform/mongodb/
func BenchmarkReadsBesideAWriter(b *testing.B) {
	db := mongodbtest.MustOpen(b)
	if !db.Embedded {
		b.Skip("a question about embedded FerretDB")
	}
	ctx := context.Background()
	docs := make([]any, 1000)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("w%04d", i), "n": 0, "body": strings.Repeat("手作", 340)}
	}
	if _, err := db.Database.Collection("works").InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if _, err := db.IndexKeys(ctx); err != nil {
		b.Fatal(err)
	}
	for _, pool := range []uint64{1, 4} {
		b.Run(fmt.Sprintf("readers_on_%d_connections", pool), func(b *testing.B) {
			readDB := db.Database
			if pool > 1 {
				c, err := mongo.Connect(options.Client().ApplyURI(db.URI).SetMaxPoolSize(pool))
				if err != nil {
					b.Fatal(err)
				}
				defer c.Disconnect(ctx)
				readDB = c.Database(db.Database.Name())
			}
			readersOnPool(b, readDB.Collection("works"), db.Database.Collection("works"))
		})
	}
}

func readersOnPool(b *testing.B, reads, writes *mongo.Collection) {
	ctx := context.Background()
	var before struct{ N int64 }
	if err := writes.FindOne(ctx, bson.M{"_id": "w0000"}).Decode(&before); err != nil {
		b.Fatal(err)
	}
	stop, written := make(chan struct{}), atomic.Int64{}
	writerDone := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			if _, err := writes.UpdateOne(ctx, bson.M{"_id": "w0000"}, bson.M{"$inc": bson.M{"n": 1}}); err != nil {
				writerDone <- err
				return
			}
			written.Add(1)
		}
	}()
	const readers = 16
	latencies := make([][]time.Duration, readers)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for r := range readers {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				t := time.Now()
				if err := reads.FindOne(ctx, bson.M{"_id": fmt.Sprintf("w%04d", i%1000)}).Err(); err != nil {
					b.Error(err)
					return
				}
				latencies[r] = append(latencies[r], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	if err := <-writerDone; err != nil {
		b.Fatal(err)
	}
	var after struct{ N int64 }
	if err := writes.FindOne(ctx, bson.M{"_id": "w0000"}).Decode(&after); err != nil {
		b.Fatal(err)
	}
	if after.N-before.N != written.Load() {
		b.Fatalf("%d increments acknowledged, the counter moved %d", written.Load(), after.N-before.N)
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reads/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "read-p99-ms")
	b.ReportMetric(float64(written.Load())/elapsed.Seconds(), "writes/s")
}
