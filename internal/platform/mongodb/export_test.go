package mongodb

// SQLiteFile exposes, to tests, the file embedded FerretDB keeps db in.
func SQLiteFile(db *DB) string { return db.sqliteFile }
