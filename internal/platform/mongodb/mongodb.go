// Package mongodb connects to the system of record: a MongoDB server when a
// URI is configured, otherwise FerretDB embedded in-process on SQLite. Both
// are reached through the same driver, so the code above runs one path.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"guildhall/internal/problem"
)

// Options say where the database is.
type Options struct {
	URI      string // empty: embedded FerretDB under DataDir
	Database string
	DataDir  string
	Timeout  time.Duration // per operation, for server selection and sockets
	Logger   *slog.Logger
	// OnCommand, when set, is called for every command sent (for metrics).
	OnCommand func(name string)
}

// DB is an open database.
type DB struct {
	Client   *mongo.Client
	Database *mongo.Database
	Embedded bool   // FerretDB started in-process
	FerretDB bool   // the server is FerretDB (embedded or by URI): no TTL indexes, one connection
	URI      string // what the driver connected to (may hold a password: never log it)

	stopEmbedded func()
	sqliteFile   string // embedded: the SQLite file of Database (see keyindex.go)
}

// Open connects, starting embedded FerretDB first when no URI is given.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	db := &DB{}
	uri := o.URI
	if uri == "" {
		var err error
		uri, db.stopEmbedded, err = startFerretDB(o.DataDir, o.Logger)
		db.sqliteFile = filepath.Join(o.DataDir, "ferretdb", o.Database+".sqlite")
		if err != nil {
			return nil, err
		}
		db.Embedded = true
	}
	db.URI = uri
	// Embedded FerretDB is known before connecting; a FerretDB reached by
	// URI is found by asking it, then the client is rebuilt to match.
	db.FerretDB = db.Embedded
	for {
		if err := db.connect(ctx, o); err != nil {
			_ = db.Close(context.Background())
			return nil, err
		}
		if db.FerretDB {
			return db, nil
		}
		isFerret, err := db.isFerretDB(ctx)
		if err != nil {
			_ = db.Close(context.Background())
			return nil, fmt.Errorf("connect mongodb: %w", err)
		}
		if !isFerret {
			return db, nil
		}
		o.Logger.WarnContext(ctx, "the MongoDB URI names a FerretDB server: serialising commands, run one app instance")
		_ = db.Client.Disconnect(ctx)
		db.FerretDB = true
	}
}

func (db *DB) connect(ctx context.Context, o Options) error {
	opts := options.Client().ApplyURI(db.URI).
		SetServerSelectionTimeout(o.Timeout).
		SetConnectTimeout(o.Timeout).
		SetTimeout(o.Timeout).
		SetMonitor(newMonitor(o.OnCommand))
	if db.FerretDB {
		// Measured: FerretDB v1.24 (SQLite) applies concurrent updates to
		// one document as unsynchronised read-modify-writes, so 50 parallel
		// $inc of 1 add about 13, and 50 parallel conditional decrements of
		// a stock of 10 all "succeed" and leave 9. One connection makes
		// FerretDB run commands one at a time, which gives back the
		// single-document atomicity MongoDB guarantees.
		opts.SetMaxPoolSize(1)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return fmt.Errorf("connect mongodb: %w", err)
	}
	db.Client = client
	db.Database = client.Database(o.Database)
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("connect mongodb: %w", err)
	}
	return nil
}

// isFerretDB reports whether the server is FerretDB: its buildInfo carries
// a ferretdbVersion field that MongoDB's lacks.
func (db *DB) isFerretDB(ctx context.Context) (bool, error) {
	info, err := db.Database.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Raw()
	if err != nil {
		return false, err
	}
	_, err = info.LookupErr("ferretdbVersion")
	return err == nil, nil
}

// startFerretDB runs FerretDB with the SQLite handler on a loopback port.
func startFerretDB(dataDir string, logger *slog.Logger) (uri string, stop func(), err error) {
	dir, err := filepath.Abs(filepath.Join(dataDir, "ferretdb"))
	if err != nil {
		return "", nil, fmt.Errorf("start embedded ferretdb: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", nil, fmt.Errorf("start embedded ferretdb: %w", err)
	}
	// FerretDB logs every connection at info and dumps refused commands (the
	// driver's endSessions) at warn; only its errors matter here.
	quiet := slog.New(levelFilter{Handler: logger.Handler(), min: slog.LevelError}).With("component", "ferretdb")
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    quiet,
	})
	if err != nil {
		return "", nil, fmt.Errorf("start embedded ferretdb: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	return f.MongoDBURI(), stop, nil
}

// Ping checks that the server answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.Database.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
}

// Close disconnects and stops embedded FerretDB, flushing SQLite.
func (db *DB) Close(ctx context.Context) error {
	var err error
	if db.Client != nil {
		err = db.Client.Disconnect(ctx)
	}
	db.stop()
	return err
}

func (db *DB) stop() {
	if db.stopEmbedded != nil {
		db.stopEmbedded()
		db.stopEmbedded = nil
	}
}

// Name names the backend for logs and /readyz.
func (db *DB) Name() string {
	if db.Embedded {
		return "ferretdb"
	}
	return "mongodb"
}

// IsDuplicate reports a unique-key violation: the document is already there.
func IsDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// IsNotFound reports that a single-document read found nothing.
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// Classify turns a driver error into a feature error: timeouts and network
// failures become problem.Unavailable (503), anything else is wrapped as is.
func Classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if mongo.IsTimeout(err) || mongo.IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded) ||
		isServerSelection(err) {
		return problem.Unavailable("database", fmt.Errorf("%s: %w", op, err))
	}
	return fmt.Errorf("%s: %w", op, err)
}

func isServerSelection(err error) bool {
	var sse topology.ServerSelectionError
	return errors.As(err, &sse) || errors.Is(err, mongo.ErrClientDisconnected)
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (h levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{Handler: h.Handler.WithAttrs(a), min: h.min}
}

func (h levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{Handler: h.Handler.WithGroup(n), min: h.min}
}
