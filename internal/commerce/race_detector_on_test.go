//go:build race

package commerce_test

// raceDetector says the race detector is on: it makes embedded FerretDB
// some fifteen times slower, so the big races run smaller under it.
const raceDetector = true
