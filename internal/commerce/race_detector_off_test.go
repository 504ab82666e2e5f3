//go:build !race

package commerce_test

const raceDetector = false
