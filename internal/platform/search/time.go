package search

import "time"

// Seconds is how documents carry a time: fractional Unix seconds, to the
// millisecond, so that things made within one second still sort in order.
func Seconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// Time reads back a time that Seconds wrote (rounding away float error).
func Time(seconds float64) time.Time { return time.UnixMilli(int64(seconds*1000 + 0.5)).UTC() }
